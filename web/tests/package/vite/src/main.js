import { install } from './molsig-check.js';

install();
