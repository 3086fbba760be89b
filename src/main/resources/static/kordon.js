// Small improvements only: every page works without this file.
(function () {
  document.documentElement.classList.add('js');

  // «По SMS» / «По паролю»: switch at once instead of pressing «Выбрать».
  document.querySelectorAll('input[form=mode-form][name=mode]').forEach(function (radio) {
    radio.addEventListener('change', function () { radio.form.submit(); });
  });

  // The resend countdown after «Выслать код подтверждения».
  var note = document.querySelector('[data-countdown]');
  var button = document.querySelector('button[data-resend]');
  if (note && button) {
    var left = parseInt(note.getAttribute('data-countdown'), 10) || 0;
    var template = note.textContent;
    var tick = function () {
      if (left <= 0) {
        button.disabled = false;
        return;
      }
      button.disabled = true;
      note.textContent = template.replace(/\d+(?=\s*(с|s)\.?$)/, String(left));
      left -= 1;
      setTimeout(tick, 1000);
    };
    tick();
  }
})();
