/* bai-media runtime: progressive enhancement for server-rendered fragments.
 *
 * The fragments are complete without this file. It adds copy buttons, expand/collapse of tall
 * output, loads optional chunks only when the page needs them, and keeps the original
 * BackendAI.Media.handle_all(media, result_id, container) API by asking the server to render.
 * No eval, no inline script: it works under a strict Content-Security-Policy.
 */
(function (window, document) {
  'use strict';
  var BackendAI = window.BackendAI = window.BackendAI || {};
  var me = document.currentScript;
  /* Filled in by `bai-media build`: chunk name -> [file, SRI integrity(, stylesheet, its SRI)]. */
  var CHUNKS = __BAI_MEDIA_CHUNKS__;
  var TALL = 400;
  var loaded = {};

  function data(name) {
    return me && me.getAttribute('data-' + name);
  }

  function assetRoot() {
    var root = BackendAI.assetRoot || data('asset-root') || '';
    return root.replace(/\/+$/, '');
  }

  function load(tag, attr, file, sri) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement(tag);
      if (tag == 'link') el.rel = 'stylesheet';
      el[attr] = assetRoot() + '/' + file;
      el.integrity = sri;
      el.crossOrigin = 'anonymous';
      el.onload = resolve;
      el.onerror = function () { reject(new Error('bai-media: cannot load ' + el[attr])); };
      document.head.appendChild(el);
    });
  }

  function loadChunk(name) {
    var chunk = CHUNKS[name];
    if (!loaded[name]) {
      loaded[name] = !chunk ? Promise.reject(new Error('bai-media: no chunk ' + name)) : Promise.all([
        load('script', 'src', chunk[0], chunk[1]), chunk[2] && load('link', 'href', chunk[2], chunk[3])
      ]).then(function () { return BackendAI.Media.chunks[name]; });
    }
    return loaded[name];
  }

  /* The original API: loadWebterm(resolve) loads the terminal chunk; until it has loaded,
   * `new BackendAI.Webterm(...)` gives a placeholder whose `ready` resolves to the terminal. */
  BackendAI.loadWebterm = function (resolve) {
    return loadChunk('webterm').then(function (chunk) {
      if (resolve) resolve(chunk.Webterm);
      return chunk.Webterm;
    });
  };
  BackendAI.Webterm = function (container, sessionId, options) {
    this.ready = BackendAI.loadWebterm().then(function (Webterm) {
      return new Webterm(container, sessionId, options);
    });
  };

  function button(label, title, onclick) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'bai-media-button';
    b.textContent = label;
    b.title = title;
    b.addEventListener('click', onclick);
    return b;
  }

  function controls(item) {
    var bar = item.querySelector(':scope > .bai-media-controls');
    if (!bar) {
      bar = document.createElement('div');
      bar.className = 'bai-media-controls';
      item.insertBefore(bar, item.firstChild);
    }
    return bar;
  }

  /* Copy is offered only on text the server built (streams; code marked bai-media-code, a class
   * kernel HTML cannot claim), and copies what is rendered (innerText), never hidden text. */
  var COPYABLE = 'pre.bai-media-stream, .bai-media-code';

  function addCopy(item) {
    var pre = item.querySelector(COPYABLE);
    if (!pre || !navigator.clipboard) return;
    var b = button('Copy', 'Copy this output', function () {
      navigator.clipboard.writeText(pre.innerText).then(function () {
        b.textContent = 'Copied';
        setTimeout(function () { b.textContent = 'Copy'; }, 1500);
      }, function () { b.textContent = 'Copy failed'; });
    });
    b.classList.add('bai-media-copy');
    controls(item).appendChild(b);
  }

  function addExpand(item) {
    if (item.scrollHeight <= TALL * 1.5) return;
    item.classList.add('bai-media-collapsed');
    var b = button('Show all', 'Show the whole output', function () {
      var collapsed = item.classList.toggle('bai-media-collapsed');
      b.textContent = collapsed ? 'Show all' : 'Show less';
      b.setAttribute('aria-expanded', String(!collapsed));
    });
    b.setAttribute('aria-expanded', 'false');
    controls(item).appendChild(b);
  }

  function enhance(root) {
    var items = root.querySelectorAll ? root.querySelectorAll('.bai-media-item:not([data-bai-enhanced])') : [];
    var drawings = false, plots = false;
    for (var i = 0; i < items.length; i++) {
      var item = items[i];
      item.setAttribute('data-bai-enhanced', '');
      addCopy(item);
      if (item.querySelector('.bai-media-stream, .highlight')) addExpand(item);
      if (item.querySelector('img.bai-media-drawing')) drawings = true;
      if (item.querySelector('.bai-media-plotly')) plots = true;
    }
    /* Terminals the page declares (the sanitizer removes data-* from kernel output). */
    var terms = root.querySelectorAll ? root.querySelectorAll('[data-bai-webterm]:not([data-bai-enhanced])') : [];
    for (i = 0; i < terms.length; i++) {
      var el = terms[i];
      el.setAttribute('data-bai-enhanced', '');
      new BackendAI.Webterm(el, el.getAttribute('data-bai-webterm'), {url: el.getAttribute('data-url'), theme: el.getAttribute('data-theme')});
    }
    if (drawings) use('drawing', root);
    if (plots) use('plotly', root);
  }

  function use(name, root) {
    loadChunk(name).then(function (chunk) { chunk.enhance(root); }, function (err) {
      if (window.console) console.warn(err.message);
    });
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) return meta.getAttribute('content');
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : null;
  }

  /* Insert a server-rendered fragment (sanitized by the server): an element with a known id is
   * replaced in place, a new item goes after its predecessor (<result>-<n-1>), else at the end. */
  function insert(html, container) {
    var t = document.createElement('template');
    t.innerHTML = html;
    var items = t.content.querySelectorAll('.bai-media-item, .bai-media-run-status');
    for (var i = 0; i < items.length; i++) {
      var el = items[i];
      var old = el.id && document.getElementById(el.id);
      var m = /^(.*)-(\d+)$/.exec(el.id);
      var prev = m && document.getElementById(m[1] + '-' + (m[2] - 1));
      if (old && container.contains(old)) {
        if (el.hasAttribute('data-bai-append')) append(old, el);
        else old.replaceWith(el);
      }
      else if (prev && container.contains(prev)) prev.after(el);
      else container.appendChild(el);
    }
    enhance(container);
  }

  /* A continued stream's new part: drop the unfinished last line (after the last newline) of
   * the element's <pre>, then append the part, which holds the lines finished since and the new
   * unfinished line. The server sends the whole element whenever this would not be exact. */
  function append(old, el) {
    var pre = old.querySelector('pre.bai-media-stream'), add = el.querySelector('pre');
    if (!pre || !add) return old.replaceWith(el);
    for (var n = pre.lastChild; n; n = pre.lastChild) {
      var cut = n.nodeType === 3 ? n.data.lastIndexOf('\n') : -1;
      if (cut >= 0) { n.data = n.data.slice(0, cut + 1); break; }
      pre.removeChild(n);
    }
    while (add.firstChild) pre.appendChild(add.firstChild);
  }

  /* The element id prefix the server gives a result id (bai_media.renderer.safe_id). */
  function safeId(id) {
    return String(id).replace(/[^A-Za-z0-9_.:-]/gu, '_').slice(0, 128) || 'result';
  }

  /* True when the container already shows items of this result: the server then continues it. */
  function holds(container, resultId) {
    var p = safeId(resultId) + '-';
    var items = container ? container.querySelectorAll('.bai-media-item[id]') : [];
    for (var i = 0; i < items.length; i++) {
      if (items[i].id.slice(0, p.length) === p && /^\d+$/.test(items[i].id.slice(p.length))) return true;
    }
    return false;
  }

  /* Calls for one result are sent one after another, so each continues what the last inserted. */
  var queues = {}, nonce = Math.random().toString(36).slice(2), calls = 0;
  function handle_all(media, resultId, container) {
    var key = safeId(resultId), seq = nonce + '-' + (++calls);
    var send = function () { return post(media, resultId, container, seq, 0); };
    var done = (queues[key] || Promise.resolve()).then(send, send);
    queues[key] = done.then(null, function () {});
    return done;
  }

  /* A 503 (the server is busy with large requests, or with this result) is retried after its
     Retry-After, a lost answer (network error, 502, 504) after a second, a few times each before
     it counts as an error; `seq` names the call, so the server answers a retry of a call it
     already applied with that call's answer instead of applying it twice. */
  function post(media, resultId, container, seq, tries) {
    var endpoint = BackendAI.Media.endpoint || data('render-endpoint');
    if (!endpoint) return Promise.reject(new Error('bai-media: no render endpoint configured'));
    var headers = {'Content-Type': 'application/json', 'Accept': 'text/html'};
    var token = csrfToken();
    if (token) headers['X-CSRFToken'] = token;
    var again = function (seconds) {
      return new Promise(function (go) { setTimeout(go, Math.min(seconds || 1, 10) * (1 + Math.random()) * 1000); })
        .then(function () { return post(media, resultId, container, seq, tries + 1); });
    };
    var lost = function (error) {
      if (tries < 8) return again(1);
      throw error;
    };
    return fetch(endpoint, {
      method: 'POST', credentials: 'same-origin', headers: headers,
      body: JSON.stringify({media: media, result_id: String(resultId), 'continue': holds(container, resultId), seq: seq,
                            format: media && !Array.isArray(media) && ('console' in media || 'status' in media) ? 'backendai' : 'media'})
    }).then(function (response) {
      if ((response.status === 502 || response.status === 503 || response.status === 504) && tries < 8) {
        return again(+response.headers.get('Retry-After'));
      }
      if (!response.ok) throw new Error('bai-media: render endpoint answered ' + response.status);
      return response.text().then(function (html) {
        if (container) insert(html, container);
        return html;
      }, lost);
    }, lost);
  }

  BackendAI.Media = {
    handle_all: handle_all, insert: insert, enhance: enhance, loadChunk: loadChunk,
    assetRoot: assetRoot, chunks: {}, endpoint: BackendAI.Media && BackendAI.Media.endpoint
  };

  function start() {
    enhance(document);
    if (window.MutationObserver) {
      new MutationObserver(function (records) {
        for (var i = 0; i < records.length; i++) {
          for (var j = 0; j < records[i].addedNodes.length; j++) enhance(records[i].addedNodes[j].parentNode || document);
        }
      }).observe(document.body, {childList: true, subtree: true});
    }
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})(window, document);
