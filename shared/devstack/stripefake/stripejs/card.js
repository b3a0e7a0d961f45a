// The card Element's frame: the card number, expiry and CVC never leave
// it except to the fake's API, which turns them into a PaymentMethod.
'use strict';
var frameName = params.get('frame');
var number = document.querySelector('.number');
var exp = document.querySelector('.exp');
var cvc = document.querySelector('.cvc');
var digits = function (v) { return v.replace(/\D/g, ''); };

function state() {
  var n = digits(number.value), e = digits(exp.value), c = digits(cvc.value);
  var error;
  if (n.length >= 16 && !luhn(n)) error = { type: 'validation_error', code: 'incorrect_number', message: 'Your card number is invalid.' };
  return { elementType: 'card', empty: !n && !e && !c, complete: n.length >= 12 && luhn(n) && e.length === 4 && c.length >= 3, error: error };
}

function luhn(n) {
  var sum = 0;
  for (var i = 0; i < n.length; i++) {
    var d = +n[n.length - 1 - i];
    if (i % 2) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return n.length >= 12 && sum % 10 === 0;
}

[number, exp, cvc].forEach(function (input) {
  input.addEventListener('input', function () {
    if (input === exp) {
      var e = digits(exp.value).slice(0, 4);
      exp.value = e.length > 2 ? e.slice(0, 2) + ' / ' + e.slice(2) : e;
    }
    var s = state();
    number.setAttribute('aria-invalid', s.error ? 'true' : 'false');
    post({ frame: frameName, event: 'change', payload: s });
  });
  input.addEventListener('focus', function () { post({ frame: frameName, event: 'focus', payload: {} }); });
});

post({ frame: frameName, event: 'resize', payload: { height: document.documentElement.scrollHeight } });

onRequest(function (req) {
  if (req.op === 'focus') return number.focus();
  if (req.op === 'clear') {
    number.value = exp.value = cvc.value = '';
    return;
  }
  var n = digits(number.value), e = digits(exp.value), c = digits(cvc.value);
  if (n.length < 13) return { error: { type: 'validation_error', code: 'incomplete_number', message: 'Your card number is incomplete.' } };
  if (!luhn(n)) return { error: { type: 'validation_error', code: 'invalid_number', message: 'Your card number is invalid.' } };
  if (e.length !== 4) return { error: { type: 'validation_error', code: 'incomplete_expiry', message: "Your card's expiration date is incomplete." } };
  if (c.length < 3) return { error: { type: 'validation_error', code: 'incomplete_cvc', message: "Your card's security code is incomplete." } };
  var form = { type: 'card', 'card[number]': n, 'card[exp_month]': e.slice(0, 2), 'card[exp_year]': e.slice(2), 'card[cvc]': c };
  var b = req.billing_details || {};
  if (b.name) form['billing_details[name]'] = b.name;
  if (b.email) form['billing_details[email]'] = b.email;
  return api('POST', '/v1/payment_methods', form);
});
