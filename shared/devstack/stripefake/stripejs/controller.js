// The controller frame: confirms and reads intents by their client secret.
'use strict';
onRequest(function (req) {
  var id = req.client_secret.split('_secret_')[0];
  var path = '/v1/' + req.kind + '/' + encodeURIComponent(id);
  if (req.op === 'retrieve') return api('GET', path + '?' + new URLSearchParams({ client_secret: req.client_secret }));
  var form = { client_secret: req.client_secret };
  if (req.payment_method) form.payment_method = req.payment_method;
  return api('POST', path + '/confirm', form);
});
