// The bank's authentication page (3-D Secure), as Stripe's test mode shows
// it: the learner completes or fails the challenge.
'use strict';
function answer(result) {
  document.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
  var path = '/v1/' + params.get('kind') + '/' + encodeURIComponent(params.get('id')) + '/authenticate';
  api('POST', path, { client_secret: params.get('client_secret'), result: result }).then(function () {
    post({ challenge: params.get('id') });
  });
}
document.getElementById('complete').addEventListener('click', function () { answer('complete'); });
document.getElementById('fail').addEventListener('click', function () { answer('fail'); });
document.getElementById('complete').focus();
