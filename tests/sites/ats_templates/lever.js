(function () {
  var form = document.getElementById("application-form");
  var errorBox = form.querySelector(".application-error");
  var resume = document.getElementById("resume-upload-input");
  resume.addEventListener("change", function () {
    form.querySelector(".filename").textContent = resume.files.length ? resume.files[0].name : "";
  });
  function missingQuestions() {
    var missing = [];
    if (resume.files.length === 0) { missing.push("Resume/CV"); }
    var seen = {};
    form.querySelectorAll("[required]").forEach(function (control) {
      if (control.type === "radio") {
        if (seen[control.name]) { return; }
        seen[control.name] = true;
        if (!form.querySelector('input[name="' + control.name + '"]:checked')) { missing.push(control.name); }
        return;
      }
      if (!control.value.trim()) { missing.push(control.name); }
    });
    return missing;
  }
  form.addEventListener("submit", function (event) {
    var missing = missingQuestions();
    if (missing.length) {
      event.preventDefault();
      errorBox.hidden = false;
      errorBox.textContent = "Please fill out all required fields (" + missing.length + " missing).";
      return;
    }
    document.getElementById("btn-submit").disabled = true;
  });
})();
