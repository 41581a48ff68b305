// `icons`: a data: icon, so that the browser does not ask for /favicon.ico (a 404 the test would
// count as a console error).
export const metadata = { title: 'molsig: Next.js', icons: { icon: 'data:,' } };

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
