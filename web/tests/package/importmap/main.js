// The page's one module: bare `molsig` specifiers resolve through the import map in index.html.
import { install } from './molsig-check.js';

install();
