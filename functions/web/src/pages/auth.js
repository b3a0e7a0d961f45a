// Sign up, log in. The session (token and user) stays in memory.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { post, newKey } from '../lib/api.js';
import { t, localeInfo, regionName, COUNTRIES } from '../lib/i18n.js';
import { setSession } from '../lib/session.js';
import { navigate, href } from '../lib/router.js';
import { useDraft } from '../lib/store.js';
import { ErrorMessage, Field, PageTitle, fieldError, otherFields } from '../components/ui.js';

// safeNext keeps a post-login destination inside the app.
const safeNext = (next) => (typeof next === 'string' && /^#\/[^/]/.test(next) && !next.startsWith('#//') ? next : '#/');

async function logIn(email, password) {
  const s = await post('/v1/sessions', { email, password });
  setSession(s);
  return s;
}

export function Login({ query }) {
  const [form, setForm] = useDraft('login', { email: '', password: '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const field = (k) => (e) => {
    const v = e.currentTarget.value;
    setForm((f) => ({ ...f, [k]: v }));
  };
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await logIn(form.email, form.password);
      setForm({ email: '', password: '' });
      navigate(safeNext(query.next));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const bad = error && error.code === 'unauthenticated';
  return html`
    <${PageTitle} text=${t('auth.login.title')} />
    ${query.next && html`<p class="note">${t('auth.needLogin')}</p>`}
    <form class="form narrow" onSubmit=${submit} novalidate>
      <${Field} id="login-email" label=${t('auth.email')} error=${fieldError(error, 'email')}>${(a) =>
        html`<input ...${a} type="email" autocomplete="username" value=${form.email} onInput=${field('email')} />`}</${Field}>
      <${Field} id="login-password" label=${t('auth.password')} error=${fieldError(error, 'password')}>${(a) =>
        html`<input ...${a} type="password" autocomplete="current-password" value=${form.password} onInput=${field('password')} />`}</${Field}>
      ${bad ? html`<${ErrorMessage} message=${t('auth.badLogin')} />` : html`<${ErrorMessage} error=${error && !Object.keys(error.fields).length ? error : null} />`}
      <button type="submit" disabled=${busy}>${t('auth.login.submit')}</button>
      <p class="hint">${t('auth.memoryNote')}</p>
      <p><a href=${href(['signup'], { next: query.next })}>${t('auth.noAccount')}</a></p>
      <p><a href="#/forgot-password">${t('auth.forgot.link')}</a></p>
    </form>`;
}

export function Signup({ query }) {
  const info = localeInfo();
  const [form, setForm] = useDraft('signup', { email: '', password: '', display_name: '', learner: true, tutor: false, country: info.country });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [key] = useState(newKey);
  const set = (k) => (e) => {
    const v = e.currentTarget.type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value;
    setForm((f) => ({ ...f, [k]: v }));
  };
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const roles = [form.learner && 'learner', form.tutor && 'tutor'].filter(Boolean);
    try {
      await post('/v1/users', { email: form.email, password: form.password, display_name: form.display_name, roles, country: form.country }, { idempotencyKey: key });
      await logIn(form.email, form.password);
      setForm({ ...form, password: '' });
      navigate(safeNext(query.next || (form.tutor ? '#/tutor' : '#/')));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const shown = ['email', 'password', 'display_name', 'roles', 'country'];
  const rolesErr = fieldError(error, 'roles');
  return html`
    <${PageTitle} text=${t('auth.signup.title')} />
    <form class="form narrow" onSubmit=${submit} novalidate>
      <${Field} id="su-name" label=${t('auth.displayName')} required error=${fieldError(error, 'display_name')}>${(a) =>
        html`<input ...${a} autocomplete="name" value=${form.display_name} onInput=${set('display_name')} />`}</${Field}>
      <${Field} id="su-email" label=${t('auth.email')} required error=${fieldError(error, 'email')}>${(a) =>
        html`<input ...${a} type="email" autocomplete="email" value=${form.email} onInput=${set('email')} />`}</${Field}>
      <${Field} id="su-password" label=${t('auth.password')} required hint=${t('auth.passwordHint')} error=${fieldError(error, 'password')}>${(a) =>
        html`<input ...${a} type="password" autocomplete="new-password" value=${form.password} onInput=${set('password')} />`}</${Field}>
      <fieldset class=${rolesErr ? 'invalid' : ''} aria-describedby=${rolesErr ? 'su-roles-error' : undefined}>
        <legend>${t('auth.roles')}</legend>
        <div class="check"><input type="checkbox" id="su-learner" checked=${form.learner} onChange=${set('learner')} /><label for="su-learner">${t('auth.role.learner')}</label></div>
        <div class="check"><input type="checkbox" id="su-tutor" checked=${form.tutor} onChange=${set('tutor')} /><label for="su-tutor">${t('auth.role.tutor')}</label></div>
        ${rolesErr && html`<p class="field-error" id="su-roles-error">${t('error.field')}: <span lang="en">${rolesErr}</span></p>`}
      </fieldset>
      <${Field} id="su-country" label=${t('auth.country')} error=${fieldError(error, 'country')}>${(a) =>
        html`<select ...${a} value=${form.country} onChange=${set('country')}>${COUNTRIES.map((c) => html`<option value=${c}>${regionName(c)}</option>`)}</select>`}</${Field}>
      <${ErrorMessage} error=${error} />
      ${otherFields(error, shown).map(([k, v]) => html`<p class="field-error">${k}: <span lang="en">${v}</span></p>`)}
      <button type="submit" disabled=${busy}>${t('auth.signup.submit')}</button>
      <p class="hint">${t('auth.memoryNote')}</p>
      <p><a href=${href(['login'], { next: query.next })}>${t('auth.haveAccount')}</a></p>
    </form>`;
}

// takeToken reads an emailed link's token once and removes it from the
// address bar and the history, so it is not left where another page or a
// shared screen could read it.
function takeToken(query, path) {
  const [token] = useState(() => query.token || '');
  useEffect(() => {
    if (query.token) navigate('#/' + path, { replace: true });
  }, []);
  return token;
}

// VerifyEmail uses the token of the link emailed at sign-up.
export function VerifyEmail({ query }) {
  const token = takeToken(query, 'verify-email');
  const [state, setState] = useState(token ? 'busy' : 'failed');
  useEffect(() => {
    if (!token) return;
    post('/v1/email-verifications', { token }).then(() => setState('done'), () => setState('failed'));
  }, []);
  return html`
    <${PageTitle} text=${t('auth.verify.title')} />
    ${state === 'busy' && html`<p role="status">${t('auth.verify.busy')}</p>`}
    ${state === 'done' && html`<p role="status" class="note">${t('auth.verify.done')}</p><p><a href="#/">${t('nav.catalog')}</a></p>`}
    ${state === 'failed' && html`<${ErrorMessage} message=${t('auth.verify.failed')} /><p><a href="#/login">${t('auth.login.title')}</a></p>`}`;
}

// ForgotPassword asks for a link that sets a new password.
export function ForgotPassword() {
  const [email, setEmail] = useState('');
  const [error, setError] = useState(null);
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await post('/v1/password-resets', { email });
      setSent(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`
    <${PageTitle} text=${t('auth.forgot.title')} />
    ${sent
      ? html`<p role="status" class="note">${t('auth.forgot.sent')}</p>`
      : html`<form class="form narrow" onSubmit=${submit} novalidate>
          <${Field} id="forgot-email" label=${t('auth.email')} error=${fieldError(error, 'email')}>${(a) =>
            html`<input ...${a} type="email" autocomplete="username" value=${email} onInput=${(e) => setEmail(e.currentTarget.value)} />`}</${Field}>
          <${ErrorMessage} error=${error && !Object.keys(error.fields).length ? error : null} />
          <button type="submit" disabled=${busy}>${t('auth.forgot.submit')}</button>
        </form>`}`;
}

// ResetPassword sets a new password with the emailed link's token: every
// other session ends and this one starts.
export function ResetPassword({ query }) {
  const token = takeToken(query, 'reset-password');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const s = await post('/v1/password-resets/confirm', { token, new_password: password });
      setSession(s);
      setPassword('');
      navigate('#/');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const badLink = error && fieldError(error, 'token');
  return html`
    <${PageTitle} text=${t('auth.reset.title')} />
    <form class="form narrow" onSubmit=${submit} novalidate>
      <${Field} id="reset-password" label=${t('auth.reset.new')} hint=${t('auth.passwordHint')} error=${fieldError(error, 'new_password')}>${(a) =>
        html`<input ...${a} type="password" autocomplete="new-password" value=${password} onInput=${(e) => setPassword(e.currentTarget.value)} />`}</${Field}>
      ${badLink ? html`<${ErrorMessage} message=${t('auth.reset.badLink')} /><p><a href="#/forgot-password">${t('auth.forgot.link')}</a></p>` : html`<${ErrorMessage} error=${error && !Object.keys(error.fields).length ? error : null} />`}
      <button type="submit" disabled=${busy || !token}>${t('auth.reset.submit')}</button>
    </form>`;
}
