// Passkeys (WebAuthn) for the form marked data-passkey: "get" signs in, "create" adds one. The
// browser API is only reachable from a script; the page works without it, this button is then hidden.
(function () {
  var form = document.querySelector('form[data-passkey]');
  var start = form && form.querySelector('[data-passkey-start]');
  if (!start || !window.PublicKeyCredential || !navigator.credentials) {
    return;
  }
  var create = form.getAttribute('data-passkey') === 'create';
  var failed = form.querySelector('[data-passkey-failed]');
  form.querySelectorAll('[data-passkey-off]').forEach(function (e) { e.hidden = true; });
  form.querySelectorAll('[data-passkey-on]').forEach(function (e) { e.hidden = false; });

  function bytes(text) {
    var b64 = text.replace(/-/g, '+').replace(/_/g, '/');
    var raw = atob(b64 + '===='.slice(b64.length % 4 || 4));
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out.buffer;
  }
  function text(buffer) {
    var raw = '';
    new Uint8Array(buffer).forEach(function (b) { raw += String.fromCharCode(b); });
    return btoa(raw).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function descriptors(list) {
    return (list || []).map(function (d) { return Object.assign({}, d, { id: bytes(d.id) }); });
  }
  // The JSON options as the API wants them: the browser's own parser where it has one.
  function options(json) {
    if (create) {
      if (PublicKeyCredential.parseCreationOptionsFromJSON) { return PublicKeyCredential.parseCreationOptionsFromJSON(json); }
      return Object.assign({}, json, { challenge: bytes(json.challenge), user: Object.assign({}, json.user, { id: bytes(json.user.id) }),
        excludeCredentials: descriptors(json.excludeCredentials) });
    }
    if (PublicKeyCredential.parseRequestOptionsFromJSON) { return PublicKeyCredential.parseRequestOptionsFromJSON(json); }
    return Object.assign({}, json, { challenge: bytes(json.challenge), allowCredentials: descriptors(json.allowCredentials) });
  }
  // PublicKeyCredential.toJSON(), by hand where the browser lacks it.
  function answer(c) {
    if (typeof c.toJSON === 'function') { return c.toJSON(); }
    var r = c.response, out = { id: c.id, rawId: text(c.rawId), type: c.type, response: { clientDataJSON: text(r.clientDataJSON) },
      authenticatorAttachment: c.authenticatorAttachment || null, clientExtensionResults: c.getClientExtensionResults() };
    if (r.attestationObject) {
      out.response.attestationObject = text(r.attestationObject);
      out.response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      out.response.authenticatorData = text(r.authenticatorData);
      out.response.signature = text(r.signature);
      if (r.userHandle) { out.response.userHandle = text(r.userHandle); }
    }
    return out;
  }

  start.addEventListener('click', function () {
    start.disabled = true;
    if (failed) { failed.hidden = true; }
    var body = new URLSearchParams();
    ['csrf', 'lang', 'return'].forEach(function (name) {
      var field = form.querySelector('input[name=' + name + ']');
      if (field) { body.append(name, field.value); }
    });
    fetch(form.getAttribute('data-options'), { method: 'POST', credentials: 'same-origin', body: body })
      .then(function (r) {
        if (r.status === 401) { window.location.reload(); throw new Error('the step ran out'); }
        if (!r.ok) { throw new Error('options: ' + r.status); }
        return r.json();
      })
      .then(function (json) {
        var publicKey = options(json);
        return create ? navigator.credentials.create({ publicKey: publicKey }) : navigator.credentials.get({ publicKey: publicKey });
      })
      .then(function (credential) {
        form.querySelector('input[name=credential]').value = JSON.stringify(answer(credential));
        form.submit();
      })
      .catch(function () {
        start.disabled = false;
        if (failed) { failed.hidden = false; }
      });
  });
})();
