// Rendered per request (`connection()`), as the nonce of the Content-Security-Policy needs.
import { connection } from 'next/server';
import MolsigCheck from './molsig-client.jsx';

export default async function Page() {
  await connection();
  return (
    <main>
      <h1>molsig with Next.js</h1>
      <MolsigCheck />
    </main>
  );
}
