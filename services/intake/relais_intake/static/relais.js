/* Relais reporting page: the form works without this script; with it the site stays one history entry,
   keeps everything in memory only (no cookie, no storage) and offers a clean emergency exit. */
(function () {
  'use strict';
  var form = document.getElementById('report-form');
  var lang = document.documentElement.lang === 'en' ? 'en' : 'fr';
  var texts = readTexts();
  var state = {reportId: null, lookup: 0, shifts: []};

  function readTexts() {
    var node = document.getElementById('texts');
    try { return node ? JSON.parse(node.textContent) : {}; } catch (e) { return {}; }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  /* ---- Emergency exit: button or Shift three times; replace the history entry, leave nothing behind. ---- */

  function leave(event) {
    if (event) event.preventDefault();
    var body = JSON.stringify(state.reportId ? {report_id: state.reportId} : {});
    // Not awaited: the person must be gone at once; keepalive lets the request finish after the page.
    if (window.fetch) {
      fetch('/v1/exit', {method: 'POST', keepalive: true, headers: {'content-type': 'application/json'}, body: body})
        .catch(function () {});
    }
    state = {reportId: null, lookup: 0, shifts: []};
    if (form) form.reset();
    document.getElementById('main').textContent = '';
    document.title = '';
    location.replace(document.body.getAttribute('data-exit-url') || 'about:blank');
  }

  function onKey(event) {
    // Only Shift pressed alone counts, so typing capitals never leaves the page by accident.
    if (event.key !== 'Shift' && event.keyCode !== 16) { state.shifts = []; return; }
    if (event.repeat) return;
    var now = Date.now();
    state.shifts = state.shifts.filter(function (t) { return now - t < 1500; });
    state.shifts.push(now);
    if (state.shifts.length >= 3) leave();
  }

  /* ---- In-page links and the language switch must not add history entries. ---- */

  function onClick(event) {
    var link = event.target.closest ? event.target.closest('a') : null;  // absent on very old browsers
    if (!link) return;
    var href = link.getAttribute('href') || '';
    if (link.id === 'lang-switch') { event.preventDefault(); location.replace(link.href); return; }
    if (href.charAt(0) !== '#' || link.id === 'noted') return;
    var target = document.getElementById(href.slice(1));
    if (!target) return;
    event.preventDefault();
    if (!/^(INPUT|SELECT|TEXTAREA|BUTTON|A|SUMMARY)$/.test(target.tagName)) target.setAttribute('tabindex', '-1');
    target.focus();
    if (target.scrollIntoView) target.scrollIntoView({block: 'center'});
  }

  /* ---- Field messages: next to the field (aria-describedby) and in the summary. ---- */

  function keyOf(field) { return String(field).replace(/^contact\./, '').split('.')[0]; }

  function controlsOf(block) {
    return [].filter.call(block.querySelectorAll('input, select, textarea'), function (c) {
      return c.closest('[data-field]') === block;
    });
  }

  function describe(control, id, on) {
    var ids = (control.getAttribute('aria-describedby') || '').split(' ').filter(function (x) { return x && x !== id; });
    if (on) ids.push(id);
    if (ids.length) control.setAttribute('aria-describedby', ids.join(' '));
    else control.removeAttribute('aria-describedby');
  }

  function markError(key, message) {
    var block = form.querySelector('[data-field="' + key + '"]'), slot = document.getElementById('err-' + key);
    if (!block || !slot) return false;
    slot.textContent = message || '';
    slot.hidden = !message;
    controlsOf(block).forEach(function (c) {
      if (message) c.setAttribute('aria-invalid', 'true'); else c.removeAttribute('aria-invalid');
      describe(c, 'err-' + key, !!message);
    });
    return true;
  }

  function clearErrors() {
    [].forEach.call(form.querySelectorAll('[data-field]'), function (b) { markError(b.getAttribute('data-field'), ''); });
    document.getElementById('error-summary').hidden = true;
  }

  function showSummary(items) {
    var summary = document.getElementById('error-summary'), list = summary.querySelector('ul');
    list.textContent = '';
    items.forEach(function (item) {
      var li = el('li'), target = item.key && document.getElementById('f-' + item.key);
      var link = target ? el('a', '', item.message) : null;
      if (link) link.href = '#f-' + item.key;
      li.appendChild(link || document.createTextNode(item.message));
      list.appendChild(li);
    });
    summary.hidden = false;
    summary.focus();
  }

  function labelOf(key) {
    var block = form.querySelector('[data-field="' + key + '"]');
    var caption = block && block.querySelector('legend, label, summary');
    return caption && caption.firstChild ? caption.firstChild.textContent.replace(/[\s?]+$/, '') : '';
  }

  function showProblems(detail) {
    var items = [], seen = {};
    detail.forEach(function (p) {
      var key = keyOf(p.field), message = lang === 'en' ? p.message : p.message_fr || p.message;
      if (!message || seen[key]) return;
      seen[key] = true;
      var label = labelOf(key);
      items.push({key: markError(key, message) ? key : null, message: label ? label + (texts.colon || ': ') + message : message});
    });
    var order = [].map.call(form.querySelectorAll('[data-field]'), function (b) { return b.getAttribute('data-field'); });
    items.sort(function (a, b) { return order.indexOf(a.key) - order.indexOf(b.key); });  // the page's order
    showSummary(items.length ? items : [{message: texts.unavailable}]);
  }

  /* ---- Postal code → communes, when the code covers communes of different forces. ---- */

  function communeBlock() { return form.querySelector('[data-field="insee"]'); }

  function hideCommunes() {
    var select = form.elements.insee;
    select.length = 1;
    select.required = false;
    communeBlock().hidden = true;
  }

  function fillCommunes(communes) {
    var select = form.elements.insee;
    select.length = 1;  // keep the "choose" placeholder
    communes.forEach(function (c) { select.add(new Option(c.name, c.insee)); });
    select.required = true;
    communeBlock().hidden = false;
  }

  function showCommunes(answer) {
    if (answer.status === 200 && answer.body.must_choose) return fillCommunes(answer.body.communes || []);
    hideCommunes();
    if (answer.status === 404 || answer.status === 422) {
      markError('postal_code', lang === 'en' ? answer.body.message : answer.body.message_fr);
    } else if (answer.status !== 200) {
      document.getElementById('postal-status').textContent = texts.lookup_failed || '';
    }
  }

  function lookup(code) {
    var ticket = ++state.lookup;
    markError('postal_code', '');
    markError('insee', '');
    document.getElementById('postal-status').textContent = '';
    request('/v1/communes?postal_code=' + encodeURIComponent(code)).then(function (answer) {
      if (ticket === state.lookup) showCommunes(answer);  // a later keystroke wins over a slow answer
    });
  }

  function watchPostalCode() {
    var input = form.elements.postal_code, last = input.value.trim();
    input.addEventListener('input', function () {
      var code = input.value.trim();
      if (code === last) return;
      last = code;
      if (/^[0-9]{5}$/.test(code)) lookup(code); else { state.lookup++; hideCommunes(); }
    });
  }

  function watchCounter() {
    var text = form.elements.text, counter = document.getElementById('text-counter');
    var max = text.maxLength > 0 ? text.maxLength : 5000;
    function update() {
      counter.textContent = (texts.counter || '{n} / {max}').replace('{n}', text.value.length).replace('{max}', max);
    }
    text.addEventListener('input', update);
    counter.hidden = false;
    update();
  }

  /* ---- Sending: JSON to the API, then the receipt replaces the form in this same page. ---- */

  function request(url, options) {
    return fetch(url, options).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (b) { return {status: r.status, body: b}; });
    }, function () { return {status: 0, body: {}}; });
  }

  function value(name) {
    var field = form.elements[name];
    return field ? String(field.value || '').trim() : '';
  }

  function contactOf() {
    var channel = value('channel') || 'none';
    if (channel === 'phone') {
      var windows = [1, 2].map(function (i) { return {start: value('window' + i + '_start'), end: value('window' + i + '_end')}; })
        .filter(function (w) { return w.start || w.end; });
      return {channel: channel, phone: value('phone') || null, safe_windows: windows,
              no_voicemail: form.elements.no_voicemail.checked};
    }
    if (channel === 'trusted_person') {
      return {channel: channel, trusted_person_name: value('trusted_person_name') || null,
              trusted_person_phone: value('trusted_person_phone') || null};
    }
    return {channel: channel};
  }

  function reportOf() {
    var report = {text: form.elements.text.value, danger_now: value('danger_now') === 'yes', danger_answers: {},
                  contact: contactOf(), lang: lang};
    ['role', 'category', 'postal_code', 'occurred', 'insee', 'occurred_on', 'location_hint', 'partner']
      .forEach(function (name) { if (value(name)) report[name] = value(name); });
    [].forEach.call(form.querySelectorAll('input[type=radio][name^="danger."]:checked'), function (r) {
      if (r.value === 'yes' || r.value === 'no') report.danger_answers[r.name.slice(7)] = r.value === 'yes';
    });
    return report;
  }

  function submit(event) {
    event.preventDefault();
    var button = document.getElementById('submit');
    clearErrors();
    button.disabled = true;
    button.textContent = texts.sending || button.textContent;
    request('/v1/reports', {method: 'POST', headers: {'content-type': 'application/json'},
                            body: JSON.stringify(reportOf())}).then(function (answer) {
      button.disabled = false;
      button.textContent = texts.submit || button.textContent;
      answered(answer);
    });
  }

  function answered(answer) {
    if (answer.status === 201) return showReceipt(answer.body);
    if (answer.status === 422 && Array.isArray(answer.body.detail)) return showProblems(answer.body.detail);
    var message = answer.status === 413 ? texts.too_large : answer.status === 429 ? texts.too_many : texts.unavailable;
    showSummary([{key: answer.status === 413 ? 'text' : null, message: message}]);
  }

  /* ---- Receipt (shown once) then orientation. ---- */

  function showReceipt(body) {
    var report = document.getElementById('report-view'), switcher = document.getElementById('lang-switch');
    state.reportId = body.id;
    form.reset();
    report.parentNode.removeChild(report);  // the answers leave the page once they are sent
    if (switcher) switcher.parentNode.removeChild(switcher);  // switching now would lose the code
    fillReceipt(body.receipt || '');
    fillChat(body.chat_ticket || '');
    fillOrientation(body);
    document.getElementById('receipt-view').hidden = false;
    showView('receipt-title');
  }

  function fillReceipt(receipt) {
    var groups = receipt.match(/.{1,4}/g) || [], node = document.getElementById('receipt-code');
    var visual = el('span'), spoken = el('span', 'vh', groups.map(function (g) { return g.split('').join(' '); }).join(', '));
    visual.setAttribute('aria-hidden', 'true');
    visual.id = 'receipt';
    groups.forEach(function (g, i) {
      if (i) visual.appendChild(document.createTextNode(' '));
      visual.appendChild(el('span', 'group', g));
    });
    node.textContent = '';
    node.appendChild(visual);
    node.appendChild(spoken);
  }

  function fillChat(ticket) {
    // The sealed ticket only travels from this page to the chat's: she cannot be routed by what the URL says.
    var chat = document.getElementById('chat-form');
    if (!chat) return;
    chat.elements.ticket.value = ticket;
    chat.parentNode.hidden = !ticket;
  }

  function resourceItem(r) {
    var li = el('li', 'resource');
    li.appendChild(el('p', 'name', r.name));
    if (r.number) {
      var link = el('a', 'number', r.number);
      link.href = (r.number === '114' ? 'sms:' : 'tel:') + r.number.replace(/\s/g, '');
      li.appendChild(link);
    }
    li.appendChild(el('p', '', r.description));
    if (r.hours) li.appendChild(el('p', 'hours', r.hours));
    return li;
  }

  function fillOrientation(body) {
    var orientation = body.orientation || {national: [], local: []};
    var emergency = ['17', '112', '114'], national = (orientation.national || []).slice();
    national.sort(function (a, b) { return (emergency.indexOf(a.number) < 0) - (emergency.indexOf(b.number) < 0); });
    national.forEach(function (r) { document.getElementById('national-list').appendChild(resourceItem(r)); });
    (orientation.local || []).forEach(function (r) { document.getElementById('local-list').appendChild(resourceItem(r)); });
    document.getElementById('local-block').hidden = !(orientation.local || []).length;
    document.getElementById('emergency-note').hidden = !body.emergency;
  }

  function onNoted(event) {
    var receipt = document.getElementById('receipt-view'), orientation = document.getElementById('orientation-view');
    var talk = receipt.querySelector('.talk-block');
    event.preventDefault();
    receipt.parentNode.removeChild(receipt);  // shown once: the code leaves the screen
    var note = document.getElementById('emergency-note');
    if (talk && !talk.hidden) orientation.insertBefore(talk, note.nextSibling);  // the chat stays at hand
    orientation.className += ' shown';
    showView('orientation-title');
  }

  function showView(titleId) {
    var title = document.getElementById(titleId);
    document.title = title.textContent;
    window.scrollTo(0, 0);
    title.focus();  // screen readers start reading the new view from its title
  }

  function init() {
    document.getElementById('exit').addEventListener('click', leave);
    document.addEventListener('keydown', onKey);
    document.addEventListener('click', onClick);
    var noted = document.getElementById('noted'), summary = document.getElementById('error-summary');
    if (noted) noted.addEventListener('click', onNoted);
    // A page restored from the back-forward cache must not show earlier answers.
    window.addEventListener('pageshow', function (e) { if (e.persisted && form) form.reset(); });
    // Without fetch (very old browsers) the form keeps working as a plain form posted to the server.
    if (!form || !window.fetch) return;
    form.noValidate = true;  // the server's messages, in the page's language, next to each field
    form.addEventListener('submit', submit);
    watchPostalCode();
    watchCounter();
    if (summary && !summary.hidden) summary.focus();
  }

  init();
}());
