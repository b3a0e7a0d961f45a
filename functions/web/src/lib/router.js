// The app's routes live in the URL's fragment (#/courses/<id>), so the one
// page at / serves them all and the server needs no catch-all route.
import { createStore, useStore } from './store.js';

const ROUTES = [
  ['catalog', /^\/?$/],
  ['course', /^\/courses\/([^/]+)$/],
  ['learn', /^\/courses\/([^/]+)\/items\/([^/]+)$/],
  ['login', /^\/login$/],
  ['signup', /^\/signup$/],
  ['verifyEmail', /^\/verify-email$/],
  ['forgotPassword', /^\/forgot-password$/],
  ['resetPassword', /^\/reset-password$/],
  ['subscriptions', /^\/subscriptions$/],
  ['myCourses', /^\/me\/courses$/],
  ['paymentMethods', /^\/payment-methods$/],
  ['payments', /^\/payments$/],
  ['tutor', /^\/tutor$/],
  ['tutorNew', /^\/tutor\/new$/],
  ['tutorCourse', /^\/tutor\/courses\/([^/]+)$/],
  ['tutorItem', /^\/tutor\/courses\/([^/]+)\/items\/([^/]+)$/],
];

export function parse(hash) {
  const raw = (hash || '').replace(/^#/, '');
  const [path, qs = ''] = raw.split('?');
  const query = Object.fromEntries(new URLSearchParams(qs));
  for (const [name, re] of ROUTES) {
    const m = re.exec(path);
    if (m) return { name, params: m.slice(1).map(decodeURIComponent), query, path };
  }
  return { name: 'notFound', params: [], query, path };
}

export const routeStore = createStore(parse(location.hash));
addEventListener('hashchange', () => routeStore.set(parse(location.hash)));
export const useRoute = () => useStore(routeStore);

// href builds a fragment link from path segments and a query.
export function href(segments, query) {
  const path = '/' + segments.map((s) => encodeURIComponent(s)).join('/');
  const qs = query ? new URLSearchParams(Object.entries(query).filter(([, v]) => v !== '' && v != null)).toString() : '';
  return '#' + path + (qs ? '?' + qs : '');
}

export function navigate(to, { replace } = {}) {
  if (replace) {
    history.replaceState(null, '', to);
    routeStore.set(parse(location.hash));
  } else {
    location.hash = to.replace(/^#/, '');
  }
}

// currentHref is where to come back to after logging in.
export const currentHref = () => location.hash || '#/';
