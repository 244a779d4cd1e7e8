(function () {
  var form = document.getElementById("application_form");
  var errorBox = document.getElementById("error_message");
  form.querySelectorAll(".attach-button").forEach(function (button) {
    button.addEventListener("click", function () {
      document.getElementById(button.dataset.target).click();
    });
  });
  form.querySelectorAll(".paste-button").forEach(function (button) {
    button.addEventListener("click", function () {
      document.getElementById(button.dataset.target).hidden = false;
    });
  });
  form.querySelectorAll("input[type=file]").forEach(function (input) {
    input.addEventListener("change", function () {
      var shown = form.querySelector('.chosen-filename[data-for="' + input.id + '"]');
      shown.textContent = input.files.length ? input.files[0].name : "";
    });
  });
  function isEmpty(control) {
    if (control.type === "file") {
      var pasted = document.getElementById(control.id + "_text");
      return control.files.length === 0 && !(pasted && pasted.value.trim());
    }
    return !control.value.trim();
  }
  function validate() {
    form.querySelectorAll(".field-error-msg").forEach(function (node) { node.remove(); });
    var missing = 0;
    form.querySelectorAll('[aria-required="true"]').forEach(function (control) {
      if (!isEmpty(control)) { return; }
      missing += 1;
      var note = document.createElement("span");
      note.className = "field-error-msg";
      note.textContent = "This field is required.";
      control.closest(".field").appendChild(note);
    });
    var email = document.getElementById("email");
    if (email.value.trim() && email.value.indexOf("@") < 1) {
      missing += 1;
      var bad = document.createElement("span");
      bad.className = "field-error-msg";
      bad.textContent = "Email is invalid.";
      email.closest(".field").appendChild(bad);
    }
    errorBox.hidden = missing === 0;
    errorBox.textContent = missing ? "Please complete all required fields." : "";
    return missing === 0;
  }
  var submit = document.getElementById("submit_app");
  if (submit) {
    submit.addEventListener("click", function () {
      if (validate()) {
        submit.disabled = true;
        submit.value = "Submitting...";
        form.submit();
      }
    });
  }
})();
