// What the stand-in's frames share: their settings (from the fragment),
// calls to the fake's API with the publishable key, and messages to the
// page that embeds them.
'use strict';
var params = new URLSearchParams(location.hash.slice(1));

function api(method, path, form) {
  var body = form ? new URLSearchParams(form).toString() : undefined;
  return fetch(path, {
    method: method,
    headers: { Authorization: 'Bearer ' + params.get('pk'), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: body,
  }).then(function (r) {
    return r.json().then(function (j) { return r.ok ? { object: j } : { error: j.error }; });
  }, function () {
    return { error: { type: 'api_connection_error', message: 'Could not connect to Stripe.' } };
  });
}

function post(msg) {
  msg.kwStripe = true;
  parent.postMessage(msg, '*');
}

// onRequest runs handle for each request from the page (the stand-in on
// the embedding page) and replies with what it resolves to.
function onRequest(handle) {
  window.addEventListener('message', function (e) {
    if (e.source !== parent || !e.data || !e.data.kwStripe || !e.data.op) return;
    Promise.resolve(handle(e.data)).then(function (out) {
      out = out || {};
      out.kwStripe = true;
      out.reply = e.data.id;
      e.source.postMessage(out, e.origin);
    });
  });
}
