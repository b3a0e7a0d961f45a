// config is what the server tells the app through <meta name="kw-config">
// (the page's policy allows no inline script): how payments are collected.
function read() {
  try {
    return JSON.parse(document.querySelector('meta[name="kw-config"]').content);
  } catch {
    return {};
  }
}

export const config = { payments: 'test-cards', ...read() };
