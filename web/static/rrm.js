// Behaviour shared by every page. The Content-Security-Policy allows scripts from /static only, so pages carry
// data-* attributes instead of inline handlers.
// <form data-confirm="Really cancel?">: asks before submitting.
document.addEventListener("submit", (event) => {
  const form = event.target.closest ? event.target.closest("form[data-confirm]") : null;
  if (form && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
}, true);
