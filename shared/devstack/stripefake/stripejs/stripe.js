// Kwipper's local stand-in for Stripe.js (served by the Stripe fake at
// /v3/stripe.js): the part of Stripe.js's API the web app uses, with the
// card kept in a frame of the fake's origin as Stripe.js keeps it in
// js.stripe.com's. Not Stripe's code; see shared/devstack/stripefake/stripejs.go.
(function () {
  'use strict';
  var origin = new URL(document.currentScript.src).origin;
  var seq = 0;
  var pending = {};
  window.addEventListener('message', function (e) {
    if (e.origin !== origin || !e.data || !e.data.kwStripe) return;
    var d = e.data;
    if (d.reply && pending[d.reply]) {
      pending[d.reply](d);
      delete pending[d.reply];
    } else if (d.event && listeners[d.frame]) {
      (listeners[d.frame][d.event] || []).forEach(function (cb) { cb(d.payload); });
    }
  });
  var listeners = {};

  function frame(src, title) {
    var f = document.createElement('iframe');
    f.src = origin + '/v3/' + src;
    f.title = title;
    f.setAttribute('allowtransparency', 'true');
    f.style.border = '0';
    f.style.width = '100%';
    f.style.height = '44px';
    f.style.display = 'block';
    return f;
  }

  // ask sends msg to frame f once it has loaded and resolves with its reply.
  function ask(f, ready, msg) {
    return ready.then(function () {
      return new Promise(function (resolve) {
        var id = 'r' + ++seq;
        pending[id] = resolve;
        msg.kwStripe = true;
        msg.id = id;
        f.contentWindow.postMessage(msg, origin);
      });
    });
  }

  function loaded(f) {
    return new Promise(function (resolve) { f.addEventListener('load', function () { resolve(); }, { once: true }); });
  }

  function Stripe(pk, opts) {
    if (!(this instanceof Stripe)) return new Stripe(pk, opts);
    if (typeof pk !== 'string' || pk.indexOf('pk_') !== 0) throw new Error('Invalid API Key provided: ' + pk);
    var locale = (opts && opts.locale) || 'auto';
    var self = this;
    // The controller frame makes the API calls that confirm intents.
    var controller = frame('controller.html#' + new URLSearchParams({ pk: pk }), 'Stripe controller');
    controller.style.display = 'none';
    controller.setAttribute('aria-hidden', 'true');
    var controllerReady = loaded(controller);
    document.body.appendChild(controller);

    this.elements = function () {
      return {
        create: function (type) {
          if (type !== 'card') throw new Error('The local Stripe.js stand-in has only the card Element, not ' + type);
          return new CardElement(pk, locale);
        },
      };
    };

    this.createPaymentMethod = function (data) {
      var card = data && data.card;
      if (!card || !card._frame) return Promise.reject(new Error('createPaymentMethod needs a mounted card Element'));
      return ask(card._frame, card._ready, { op: 'createPaymentMethod', billing_details: data.billing_details || {} }).then(function (d) {
        return d.error ? { error: d.error } : { paymentMethod: d.object };
      });
    };

    // confirm confirms intent kind ('setup_intents' or 'payment_intents')
    // and runs the bank's challenge when it asks for one.
    function confirm(kind, clientSecret, data) {
      var pm = data && data.payment_method;
      var msg = { op: 'confirm', kind: kind, client_secret: clientSecret, payment_method: typeof pm === 'string' ? pm : '' };
      var key = kind === 'setup_intents' ? 'setupIntent' : 'paymentIntent';
      return ask(controller, controllerReady, msg).then(function (d) {
        if (d.error) return { error: d.error };
        if (d.object.status !== 'requires_action') return result(key, d.object);
        return challenge(kind, d.object, clientSecret).then(function () {
          return ask(controller, controllerReady, { op: 'retrieve', kind: kind, client_secret: clientSecret });
        }).then(function (r) { return r.error ? { error: r.error } : result(key, r.object); });
      });
    }

    function result(key, intent) {
      var out = {};
      if (intent.status === 'succeeded' || intent.status === 'processing' || intent.status === 'requires_capture') {
        out[key] = intent;
        return out;
      }
      var err = intent.last_setup_error || intent.last_payment_error || { type: 'card_error', code: 'authentication_failure', message: 'We are unable to authenticate your payment method.' };
      out.error = Object.assign({}, err);
      out.error[key === 'setupIntent' ? 'setup_intent' : 'payment_intent'] = intent;
      return out;
    }

    // challenge opens the bank's page over the app and resolves when the
    // learner has answered it.
    function challenge(kind, intent, clientSecret) {
      return new Promise(function (resolve) {
        var overlay = document.createElement('div');
        overlay.setAttribute('role', 'dialog');
        overlay.setAttribute('aria-modal', 'true');
        overlay.setAttribute('aria-label', '3D Secure');
        overlay.style.position = 'fixed';
        overlay.style.inset = '0';
        overlay.style.background = 'rgba(0,0,0,.5)';
        overlay.style.zIndex = '2147483647';
        overlay.style.display = 'flex';
        overlay.style.alignItems = 'center';
        overlay.style.justifyContent = 'center';
        var f = frame('challenge.html#' + new URLSearchParams({ pk: pk, kind: kind, id: intent.id, client_secret: clientSecret, locale: locale }), '3D Secure authentication');
        f.style.width = 'min(420px, 95vw)';
        f.style.height = '320px';
        f.style.background = '#fff';
        f.style.borderRadius = '8px';
        f.dataset.kwChallenge = intent.id;
        overlay.appendChild(f);
        document.body.appendChild(overlay);
        var done = function (e) {
          if (e.origin !== origin || !e.data || !e.data.kwStripe || e.data.challenge !== intent.id) return;
          window.removeEventListener('message', done);
          overlay.remove();
          resolve();
        };
        window.addEventListener('message', done);
        f.addEventListener('load', function () {
          f.dataset.kwLoaded = '1';
          f.focus();
        }, { once: true });
      });
    }

    this.confirmCardSetup = function (clientSecret, data) { return confirm('setup_intents', clientSecret, data); };
    this.confirmCardPayment = function (clientSecret, data) { return confirm('payment_intents', clientSecret, data); };
    this.handleNextAction = function (opts) { return confirm('payment_intents', opts.clientSecret); };
    return self;
  }

  var frames = 0;
  function CardElement(pk, locale) {
    this._pk = pk;
    this._locale = locale;
    this._name = 'card' + ++frames;
    listeners[this._name] = {};
  }
  CardElement.prototype.mount = function (target) {
    var el = typeof target === 'string' ? document.querySelector(target) : target;
    if (!el) throw new Error('mount: no element ' + target);
    this._frame = frame('card.html#' + new URLSearchParams({ pk: this._pk, locale: this._locale, frame: this._name }), 'Secure card payment input frame');
    this._ready = loaded(this._frame);
    var self = this;
    this.on('resize', function (p) { self._frame.style.height = p.height + 'px'; });
    el.appendChild(this._frame);
    this._ready.then(function () { (listeners[self._name].ready || []).forEach(function (cb) { cb({ elementType: 'card' }); }); });
  };
  CardElement.prototype.on = function (event, cb) {
    (listeners[this._name][event] = listeners[this._name][event] || []).push(cb);
    return this;
  };
  CardElement.prototype.focus = function () {
    if (this._frame) ask(this._frame, this._ready, { op: 'focus' });
  };
  CardElement.prototype.clear = function () {
    if (this._frame) ask(this._frame, this._ready, { op: 'clear' });
  };
  CardElement.prototype.unmount = function () {
    if (this._frame) this._frame.remove();
    this._frame = null;
  };
  CardElement.prototype.destroy = function () {
    this.unmount();
    delete listeners[this._name];
  };

  window.Stripe = Stripe;
})();
