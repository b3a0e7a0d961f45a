// Kwipper's web app: the page's one script. It renders the route in the
// URL's fragment; the catalog, course and log-in pages are in this bundle,
// the rest load when first opened.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { html } from './lib/html.js';
import { useLocale, t } from './lib/i18n.js';
import { useRoute } from './lib/router.js';
import { Layout } from './components/layout.js';
import { PageTitle, Loading, ErrorMessage } from './components/ui.js';
import { Catalog } from './pages/catalog.js';
import { Course } from './pages/course.js';
import { Login, Signup, VerifyEmail, ForgotPassword, ResetPassword } from './pages/auth.js';
import { restored, restoring } from './lib/session.js';
import { get, enc } from './lib/api.js';

// lazy loads a page module the first time it is needed.
function lazy(load, name) {
  let mod = null;
  return function Lazy(props) {
    const [, setLoaded] = useState(!!mod);
    const [error, setError] = useState(null);
    useEffect(() => {
      if (!mod) load().then((m) => ((mod = m), setLoaded(true)), setError);
    }, []);
    if (error) return html`<${ErrorMessage} error=${{ code: 'network', message: '' }} />`;
    if (!mod) return html`<${Loading} />`;
    const C = mod[name];
    return html`<${C} ...${props} />`;
  };
}

const Learn = lazy(() => import('./pages/learn.js'), 'Learn');
// LearnRoute starts, as an item is opened, what its page will need, while
// the page's own chunk loads: the item's content, and for a video (its
// link says ?kind=video) the player's hls.js chunk and, once the content
// names the stream, the stream's first segment (start.js).
// start.js is a lazy chunk too (1 KiB, not part of the first load).
function LearnRoute({ courseId, itemId, kind }) {
  const [early] = useState(() => {
    const start = () => import('./player/start.js');
    if (kind === 'video') {
      import('./player/hls.js').catch(() => {});
      start().catch(() => {});
    }
    const content = get(`/v1/courses/${enc(courseId)}/items/${enc(itemId)}/content`);
    content
      .then((c) => c && c.stream && c.stream.status === 'ready' && c.stream.master_url && start().then((m) => m.warm(c.stream.master_url)))
      .catch(() => {});
    return { content };
  });
  return html`<${Learn} courseId=${courseId} itemId=${itemId} early=${early} />`;
}

const MyCourses = lazy(() => import('./pages/mycourses.js'), 'MyCourses');
const PaymentMethods = lazy(() => import('./pages/payments.js'), 'PaymentMethods');
const Payments = lazy(() => import('./pages/history.js'), 'Payments');
const Subscriptions = lazy(() => import('./pages/subscriptions.js'), 'Subscriptions');
const TutorHome = lazy(() => import('./pages/tutor.js'), 'TutorHome');
const TutorNew = lazy(() => import('./pages/tutor.js'), 'TutorNew');
const TutorCourse = lazy(() => import('./pages/tutor.js'), 'TutorCourse');
const TutorItem = lazy(() => import('./pages/tutor.js'), 'TutorItem');

function Page({ route }) {
  const [a, b] = route.params;
  switch (route.name) {
    case 'catalog':
      return html`<${Catalog} query=${route.query} />`;
    case 'course':
      return html`<${Course} id=${a} key=${a} />`;
    case 'learn':
      return html`<${LearnRoute} courseId=${a} itemId=${b} kind=${route.query.kind} key=${a + b} />`;
    case 'login':
      return html`<${Login} query=${route.query} />`;
    case 'signup':
      return html`<${Signup} query=${route.query} />`;
    case 'verifyEmail':
      return html`<${VerifyEmail} query=${route.query} />`;
    case 'forgotPassword':
      return html`<${ForgotPassword} />`;
    case 'resetPassword':
      return html`<${ResetPassword} query=${route.query} />`;
    case 'myCourses':
      return html`<${MyCourses} />`;
    case 'paymentMethods':
      return html`<${PaymentMethods} />`;
    case 'payments':
      return html`<${Payments} />`;
    case 'subscriptions':
      return html`<${Subscriptions} />`;
    case 'tutor':
      return html`<${TutorHome} />`;
    case 'tutorNew':
      return html`<${TutorNew} />`;
    case 'tutorCourse':
      return html`<${TutorCourse} id=${a} key=${a} />`;
    case 'tutorItem':
      return html`<${TutorItem} courseId=${a} itemId=${b} key=${a + b} />`;
    default:
      return html`<${PageTitle} text=${t('error.not_found')} /><p><a href="#/">${t('nav.catalog')}</a></p>`;
  }
}

function App() {
  const code = useLocale();
  const route = useRoute();
  // After a reload the parked session is restored before any page renders,
  // so pages that need it do not send the user to log in.
  const [ready, setReady] = useState(!restoring);
  useEffect(() => {
    if (!ready) restored.finally(() => setReady(true));
  }, []);
  useEffect(() => {
    document.documentElement.lang = code;
  }, [code]);
  useEffect(() => {
    // After the first page, a new route moves focus to its heading.
    const id = setTimeout(() => (window.__kwNavigated = true), 0);
    return () => clearTimeout(id);
  }, [route]);
  return html`<${Layout} route=${route}>${ready ? html`<${Page} route=${route} key=${code} />` : html`<${Loading} />`}</${Layout}>`;
}

render(html`<${App} />`, document.getElementById('app'));
