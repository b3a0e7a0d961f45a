// The frame of every page: a skip link, the header with navigation and the
// language switch, and the main landmark.
import { html } from '../lib/html.js';
import { t, LOCALES, setLocale, localeInfo } from '../lib/i18n.js';
import { useSession, logout, hasRole } from '../lib/session.js';
import { del } from '../lib/api.js';
import { navigate, href } from '../lib/router.js';

export function Layout({ children, route }) {
  const s = useSession();
  const here = (name) => (route.name === name ? 'page' : undefined);
  // Log out here (DELETE /v1/sessions/current) or on every device
  // (DELETE /v1/sessions); the session ends in this page even when the
  // API cannot be reached.
  const out = (everywhere) => () =>
    logout(everywhere, (path) => del(path))
      .catch(() => {})
      .then(() => navigate('#/'));
  return html`
    <a class="skip" href="#main" onClick=${(e) => {
      e.preventDefault();
      const m = document.getElementById('main');
      m.focus();
      m.scrollIntoView();
    }}>${t('nav.skip')}</a>
    <header class="top">
      <a class="brand" href="#/">${t('app.name')}</a>
      <nav aria-label=${t('nav.label')}>
        <ul>
          <li><a href="#/" aria-current=${here('catalog')}>${t('nav.catalog')}</a></li>
          ${hasRole(s, 'learner') && html`<li><a href="#/me/courses" aria-current=${here('myCourses')}>${t('nav.myCourses')}</a></li>`}
          ${hasRole(s, 'learner') && html`<li><a href="#/subscriptions" aria-current=${here('subscriptions')}>${t('nav.subscriptions')}</a></li>`}
          ${hasRole(s, 'learner') && html`<li><a href="#/payment-methods" aria-current=${here('paymentMethods')}>${t('nav.paymentMethods')}</a></li>`}
          ${hasRole(s, 'learner') && html`<li><a href="#/payments" aria-current=${here('payments')}>${t('nav.payments')}</a></li>`}
          ${hasRole(s, 'tutor') && html`<li><a href="#/tutor" aria-current=${here('tutor')}>${t('nav.teach')}</a></li>`}
          ${!s && html`<li><a href=${href(['login'])} aria-current=${here('login')}>${t('nav.login')}</a></li>
            <li><a href=${href(['signup'])} aria-current=${here('signup')}>${t('nav.signup')}</a></li>`}
          ${s && html`<li><button type="button" class="link" onClick=${out(false)}>${t('nav.logout')}</button></li>
            <li><button type="button" class="link" onClick=${out(true)}>${t('nav.logoutAll')}</button></li>`}
        </ul>
      </nav>
      <div class="lang">
        <label for="lang-select">${t('nav.language')}</label>
        <select id="lang-select" value=${localeInfo().code} onChange=${(e) => setLocale(e.currentTarget.value)}>
          ${LOCALES.map((l) => html`<option value=${l.code} lang=${l.code}>${l.name}</option>`)}
        </select>
      </div>
      ${s && html`<p class="who">${t('nav.signedInAs', { name: s.user.display_name })}</p>`}
    </header>
    <main id="main" tabindex="-1">${children}</main>
  `;
}
