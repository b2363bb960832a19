// The public forms kit (registry/publicforms.py, web/templates/publicforms/macros.html): a file over its field's
// limit is refused here, before the post, because a body over the server's cap is refused whole (413) and the
// visitor would lose what they typed. The server checks again (size and type); this only saves the round trip.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches || !form.matches("form.public-form")) {
    return;
  }
  let first = null;
  form.querySelectorAll("input[type=file][data-max-bytes]").forEach((input) => {
    const note = document.getElementById("c-" + input.name);
    const file = input.files && input.files[0];
    const max = Number(input.dataset.maxBytes);
    if (file && file.size > max) {
      note.textContent = input.dataset.label + ": “" + file.name + "” is " + (file.size / 1e6).toFixed(1) +
        " MB; the limit is " + (max / 1e6).toFixed(1) + " MB. Choose a smaller file.";
      note.hidden = false;
      input.setAttribute("aria-invalid", "true");
      first = first || input;
    } else if (note) {
      note.hidden = true;
      note.textContent = "";
    }
  });
  if (first) {
    event.preventDefault();
    first.focus();
  }
});
