/* bai-media webterm chunk: BackendAI.Webterm on xterm.js. Loaded by main.js only when a terminal
 * opens. It speaks the original Webterm protocol (JSON; stdin and output base64) to a server-side
 * bridge, which holds any keys and decides who may open which session. */
(function (window, document) {
  'use strict';
  var BackendAI = window.BackendAI;
  var Media = BackendAI.Media;
  var vendor = Media.vendor;
  var PING_MS = 5000;
  var STDIN_CHUNK = 8192;
  var RETRY_CODES = {1001: 1, 1006: 1, 1012: 1, 1013: 1, 4502: 1};
  var THEMES = {
    light: {background: '#ffffff', foreground: '#1f2328', cursor: '#1f2328', selectionBackground: '#b6d6fd'},
    dark: {background: '#1e1e1e', foreground: '#d4d4d4', cursor: '#d4d4d4', selectionBackground: '#264f78'}
  };
  var encoder = new TextEncoder();
  var decoder = new TextDecoder();
  var instances = [];

  function toBase64(bytes) {
    var s = '';
    for (var i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }

  function fromBase64(text) {
    var s = atob(text), bytes = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
    return bytes;
  }

  function themeName(theme) {
    if (theme == 'light' || theme == 'dark') return theme;
    return window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }

  function defaultUrl(sessionId) {
    var scheme = location.protocol == 'https:' ? 'wss:' : 'ws:';
    return scheme + '//' + location.host + (Media.webtermPath || '/webterm/') + encodeURIComponent(sessionId);
  }

  /* new Webterm(container, sessionId, {theme, url, maxRows, maxCols, reconnect, fontSize}) */
  function Webterm(container, sessionId, options) {
    if (!(this instanceof Webterm)) return new Webterm(container, sessionId, options);
    var self = this;
    options = options || {};
    self.sessionId = String(sessionId);
    self.options = options;
    self.ready = Promise.resolve(self);
    self.attempts = 0;
    self.root = document.createElement('div');
    self.root.className = 'bai-webterm bai-webterm-' + themeName(options.theme);
    self.screen = document.createElement('div');
    self.screen.className = 'bai-webterm-screen';
    self.stateLine = document.createElement('div');
    self.stateLine.className = 'bai-webterm-state';
    self.stateLine.setAttribute('role', 'status');
    self.root.appendChild(self.screen);
    self.root.appendChild(self.stateLine);
    container.appendChild(self.root);

    var term = self.term = new vendor.xterm.Terminal({
      theme: THEMES[themeName(options.theme)], minimumContrastRatio: 4.5, cursorBlink: true,
      fontSize: options.fontSize || 14, scrollback: options.scrollback || 5000,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace'
    });
    self.fit = new vendor.fit.FitAddon();
    term.loadAddon(self.fit);
    term.open(self.screen);
    term.onData(function (text) { self.input(text); });
    term.onBinary(function (text) { self.sendStdin(Uint8Array.from(text, function (c) { return c.charCodeAt(0) & 255; })); });
    term.onResize(function (size) { self.sendSize(size.rows, size.cols); });
    term.attachCustomKeyEventHandler(function (ev) { return self.clipboardKey(ev); });
    if (window.ResizeObserver) {
      self.observer = new ResizeObserver(function () { self.resize(); });
      self.observer.observe(self.screen);
    }
    self.resize();
    instances.push(self);
    self.connect();
  }

  Webterm.prototype.setState = function (state, reason) {
    this.state = state;
    this.root.setAttribute('data-state', state);
    var labels = {connecting: 'Connecting…', connected: '', ended: 'Session ended', error: 'Error', reconnecting: 'Reconnecting…'};
    this.stateLine.textContent = labels[state] + (reason ? (labels[state] ? ': ' : '') + reason : '');
    if (this.options.onStateChange) this.options.onStateChange(state, reason || '');
  };

  Webterm.prototype.connect = function () {
    var self = this, url = self.options.url || defaultUrl(self.sessionId);
    if (typeof url == 'function') url = url(self.sessionId);
    url = new URL(url, location.href);
    if (url.protocol == 'http:' || url.protocol == 'https:') url.protocol = url.protocol == 'https:' ? 'wss:' : 'ws:';
    self.setState(self.attempts ? 'reconnecting' : 'connecting');
    var ws = self.ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    ws.onopen = function () {
      self.attempts = 0;
      self.setState('connected');
      self.sendSize(self.term.rows, self.term.cols);
      self.pinger = setInterval(function () { self.send({type: 'ping'}); }, PING_MS);
    };
    ws.onmessage = function (ev) {
      var msg;
      try {
        msg = JSON.parse(typeof ev.data == 'string' ? ev.data : decoder.decode(ev.data));
      } catch (e) { return; }
      if (msg.type == 'out' && typeof msg.data == 'string') self.term.write(fromBase64(msg.data));
      else if (msg.type == 'error') self.setState('error', String(msg.reason || ''));
    };
    ws.onclose = function (ev) {
      clearInterval(self.pinger);
      if (self.ws !== ws || self.disposed) return;
      /* As the original: 1000–1999 the session ended, 4000–4999 a server-side error. */
      var retry = RETRY_CODES[ev.code] && self.options.reconnect !== false && self.attempts < 8;
      if (retry) {
        var delay = Math.min(30000, 500 * Math.pow(2, self.attempts++)) * (0.75 + Math.random() / 2);
        self.setState('reconnecting', ev.reason || 'connection lost');
        self.timer = setTimeout(function () { self.connect(); }, delay);
      } else if (ev.code >= 4000 && ev.code <= 4999) {
        self.setState('error', ev.reason || (self.state == 'error' && self.stateLine.textContent.replace(/^Error: /, '')) || 'server error ' + ev.code);
      } else if (self.state != 'error') {
        self.setState('ended', ev.code == 1000 ? '' : ev.reason || 'code ' + ev.code);
      }
    };
  };

  Webterm.prototype.send = function (message) {
    if (!this.ws || this.ws.readyState != 1) return false;
    message.sid = this.sessionId;
    this.ws.send(JSON.stringify(message));
    return true;
  };

  Webterm.prototype.sendStdin = function (bytes) {
    for (var i = 0; i < bytes.length; i += STDIN_CHUNK) this.send({type: 'stdin', chars: toBase64(bytes.subarray(i, i + STDIN_CHUNK))});
  };

  Webterm.prototype.input = function (text) {
    this.sendStdin(encoder.encode(text));
  };

  Webterm.prototype.sendSize = function (rows, cols) {
    this.send({type: 'resize', rows: rows, cols: cols});
  };

  Webterm.prototype.resize = function () {
    var dims = this.fit.proposeDimensions();
    if (!dims || !dims.rows || !dims.cols) return;
    var rows = Math.min(dims.rows, this.options.maxRows || 500), cols = Math.min(dims.cols, this.options.maxCols || 1000);
    if (rows != this.term.rows || cols != this.term.cols) this.term.resize(Math.max(2, cols), Math.max(1, rows));
  };

  /* Ctrl+Shift+C copies the selection, Ctrl+Shift+V pastes (Ctrl+C stays an interrupt). */
  Webterm.prototype.clipboardKey = function (ev) {
    var self = this, clip = navigator.clipboard;
    if (ev.type != 'keydown' || !ev.ctrlKey || !ev.shiftKey || !clip) return true;
    var key = ev.key.toLowerCase();
    if (key == 'c' && self.term.hasSelection()) {
      clip.writeText(self.term.getSelection());
      return false;
    }
    if (key == 'v') {
      clip.readText().then(function (text) { self.term.paste(text); });
      return false;
    }
    return true;
  };

  Webterm.prototype.restart = function () {
    this.term.reset();
    return this.send({type: 'restart'});
  };

  Webterm.prototype.setTheme = function (theme) {
    var name = themeName(theme);
    this.term.options.theme = THEMES[name];
    this.root.className = 'bai-webterm bai-webterm-' + name;
  };

  Webterm.prototype.rowsText = function () {
    var buffer = this.term.buffer.active, lines = [];
    for (var i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i).translateToString(true));
    return lines.join('\n');
  };

  Webterm.prototype.dispose = function () {
    this.disposed = true;
    clearInterval(this.pinger);
    clearTimeout(this.timer);
    if (this.observer) this.observer.disconnect();
    if (this.ws) this.ws.close(1000);
    this.term.dispose();
    this.root.remove();
    instances.splice(instances.indexOf(this), 1);
  };

  /* Play an asciicast v2 recording (`bai-media terminal --record`) in a read-only terminal, with
   * its timing `speed` times faster and idle gaps capped at `maxIdle` seconds. */
  Webterm.replay = function (container, cast, options) {
    options = options || {};
    var lines = String(cast).split('\n'), header, events = [], at = 0, last = 0;
    try { header = JSON.parse(lines[0]); } catch (e) { header = null; }
    if (!header || header.version !== 2) throw new Error('bai-media: not an asciicast v2 recording');
    for (var i = 1; i < lines.length; i++) {
      var ev;
      try { ev = JSON.parse(lines[i]); } catch (e) { continue; }
      if (!Array.isArray(ev) || typeof ev[0] != 'number' || typeof ev[2] != 'string' || ev[1] != 'o') continue;
      at += Math.max(0, Math.min(ev[0] - last, options.maxIdle || 2));
      last = ev[0];
      events.push([at, ev[2]]);
    }
    var root = document.createElement('div');
    root.className = 'bai-webterm bai-webterm-replay bai-webterm-' + themeName(options.theme);
    container.appendChild(root);
    var term = new vendor.xterm.Terminal({
      cols: Math.min(header.width || 80, 1000), rows: Math.min(header.height || 24, 500), disableStdin: true,
      theme: THEMES[themeName(options.theme)], minimumContrastRatio: 4.5, fontSize: options.fontSize || 14
    });
    term.open(root);
    var speed = options.speed || 1, start = Date.now(), n = 0;
    var done = new Promise(function (resolve) {
      (function step() {
        var now = (Date.now() - start) / 1000 * speed;
        while (n < events.length && events[n][0] <= now) term.write(events[n++][1]);
        if (n < events.length) setTimeout(step, Math.max(0, (events[n][0] - now) * 1000 / speed));
        else term.write('', resolve);
      })();
    });
    return {term: term, root: root, done: done};
  };

  BackendAI.Webterm = Webterm;
  Media.chunks.webterm = {Webterm: Webterm, instances: instances};
})(window, document);
