/* Demo of the original API: BackendAI.Media.handle_all posts the items to the render endpoint and
 * inserts the server-sanitized fragment. An external file, so it runs under a strict CSP. */
document.addEventListener('DOMContentLoaded', function () {
  var button = document.getElementById('render-live');
  var box = document.getElementById('live');
  var count = 0;
  button.addEventListener('click', function () {
    count += 1;
    BackendAI.Media.handle_all([
      ['text/markdown', '**Rendered by the server**, request ' + count + ': $x^2$'],
      ['text/html', '<b>sanitized</b><img src=x onerror="alert(1)">']
    ], 'live', box).catch(function (err) { box.textContent = err.message; });
  });
});
