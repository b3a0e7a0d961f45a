// The session: the access token and the user, in this module's memory only.
// The token is never written to localStorage, sessionStorage, cookies or
// URLs, so script injected into the page cannot read it from storage; a
// reload logs the user out (accepted in this first version).
//
// Seam for the refresh-token flow that comes with the API work: the API
// will set an HttpOnly, Secure, SameSite=Strict refresh cookie scoped to
// /v1/sessions on log in; refresh() will then POST /v1/sessions/refresh
// with the X-Kwipper-CSRF header (a custom header that cross-site forms
// cannot send, checked with the cookie) and store the new access token
// here. Until then it reports that there is nothing to refresh.
import { createStore, useStore } from './store.js';

export const sessionStore = createStore(null);

export const session = () => sessionStore.get();
export const useSession = () => useStore(sessionStore);

export function setSession(s) {
  sessionStore.set(s);
}

export function clearSession() {
  sessionStore.set(null);
}

export function hasRole(s, role) {
  return !!s && Array.isArray(s.user?.roles) && s.user.roles.includes(role);
}

// refresh tries to get a new access token without the password: true when
// it did. Always false until the API has a refresh-token cookie.
export async function refresh() {
  return false;
}
