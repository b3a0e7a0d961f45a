// The session: the access token, the refresh token and the user.
//
// Where the tokens are kept (the least bad place for a bearer-token API):
// - The access token (15 min) lives only in this module's memory: never in
//   storage, cookies or URLs.
// - The refresh token lives in this module's memory too, while the page
//   runs. The API takes it in the body of POST /v1/sessions/refresh (no
//   cookie), so an HttpOnly cookie cannot hold it. To survive a reload it is
//   parked in sessionStorage only while the page is hidden or unloading
//   (pagehide, visibilitychange to hidden) and taken out again (read and
//   removed) as soon as the page runs: at start, on pageshow and when it is
//   visible again. Script injected into a running page therefore finds
//   nothing in storage; sessionStorage is per tab and ends with the tab (no
//   other tab, no disk file that outlives the browser session), and a tab
//   duplicated while running copies an empty slot.
// - Every refresh rotates the token and the API revokes the whole session
//   when an old one is used again, so a copied token works at most once
//   before the session ends for both holders.
// - Residual risk, written down: script that stays injected can listen for
//   pagehide itself and read the parked token then. Content-Security-Policy
//   and Trusted Types (no inline script, no HTML sinks) are what stop the
//   injection in the first place.
// Closing the tab, a crash, or a refresh that fails ends the session in
// this browser (the user logs in again).
import { createStore, useStore } from './store.js';

const PARK = 'kw.session';
export const sessionStore = createStore(null);

let refreshToken = '';
let timer = 0;
let inflight = null;

export const session = () => sessionStore.get();
export const useSession = () => useStore(sessionStore);

// setSession keeps the answer of a log in or a refresh (user.Session).
export function setSession(s) {
  refreshToken = s.refresh_token || '';
  sessionStore.set({ token: s.access_token, expiresAt: s.expires_at, user: s.user, id: s.session_id });
  schedule(s.expires_at);
  // A rotation while the page is hidden replaces what is parked.
  if (document.visibilityState === 'hidden') park();
}

export function clearSession() {
  refreshToken = '';
  clearTimeout(timer);
  try {
    sessionStorage.removeItem(PARK);
  } catch {}
  sessionStore.set(null);
}

export function hasRole(s, role) {
  return !!s && Array.isArray(s.user?.roles) && s.user.roles.includes(role);
}

// schedule refreshes a minute before the access token expires, so requests
// rarely meet a 401 (which refreshes too).
function schedule(expiresAt) {
  clearTimeout(timer);
  const ms = Date.parse(expiresAt) - Date.now() - 60000;
  if (!refreshToken || !(ms > -Infinity)) return;
  timer = setTimeout(() => refresh(), Math.max(ms, 5000));
}

// refresh exchanges the refresh token for new tokens: true when it did. One
// at a time: concurrent 401s share one rotation (a second rotation with the
// same token would count as reuse and end the session).
export function refresh() {
  if (!inflight) inflight = doRefresh().finally(() => (inflight = null));
  return inflight;
}

async function doRefresh() {
  const tok = refreshToken;
  if (!tok) return false;
  let res;
  try {
    res = await fetch('/v1/sessions/refresh', {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify({ refresh_token: tok }),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    return false; // no answer: keep the session, a later request tries again
  }
  if (!res.ok) {
    // Expired, revoked (log out everywhere, password change) or reused.
    if (res.status >= 400 && res.status < 500) clearSession();
    return false;
  }
  setSession(await res.json());
  return true;
}

// logout ends this device's session (server first, so the refresh token
// stops working) or, with everywhere, every session of the user.
export async function logout(everywhere, call) {
  try {
    await call(everywhere ? '/v1/sessions' : '/v1/sessions/current');
  } finally {
    clearSession();
  }
}

function park() {
  if (!refreshToken) return;
  try {
    sessionStorage.setItem(PARK, refreshToken);
  } catch {}
}

function unpark() {
  try {
    const v = sessionStorage.getItem(PARK) || '';
    sessionStorage.removeItem(PARK);
    return v;
  } catch {
    return '';
  }
}

addEventListener('pagehide', park);
addEventListener('pageshow', () => unpark());
document.addEventListener('visibilitychange', () => (document.visibilityState === 'hidden' ? park() : unpark()));

// restored resolves when a session parked by the previous page (a reload)
// has been refreshed, or at once when there is none: pages that need a
// session wait for it.
export let restoring = false;
export const restored = (() => {
  const tok = unpark();
  if (!tok) return Promise.resolve(false);
  refreshToken = tok;
  restoring = true;
  return refresh().finally(() => (restoring = false));
})();
