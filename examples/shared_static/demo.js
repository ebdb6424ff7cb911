/* Demo of the original API: BackendAI.Media.handle_all posts the items to the render endpoint and
 * inserts the server-sanitized fragment; later calls continue the same result (the server keeps
 * its state per visitor). An external file, so it runs under a strict CSP. */
document.addEventListener('DOMContentLoaded', function () {
  var button = document.getElementById('render-live');
  var box = document.getElementById('live');
  var count = 0;
  button.addEventListener('click', function () {
    count += 1;
    // The first call renders two items; each later call continues the progress line of the last.
    var media = count > 1 ? [] : [
      ['text/markdown', '**Rendered by the server**: $x^2$'],
      ['text/html', '<b>sanitized</b><img src=x onerror="alert(1)">']
    ];
    media.push(['stdout', 'progress ' + count + '\r']);
    BackendAI.Media.handle_all(media, 'live', box).catch(function (err) { box.textContent = err.message; });
  });
});
