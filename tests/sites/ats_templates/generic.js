(function () {
  var form = document.getElementById("careers-form");
  var error = form.querySelector(".form-error");
  var steps = Array.prototype.slice.call(form.querySelectorAll(".step"));
  window.firstPartyScriptRan = true;
  function blank(control) {
    if (control.type === "radio" || control.type === "checkbox") {
      return !form.querySelector('input[name="' + control.name + '"]:checked');
    }
    if (control.type === "file") { return control.files.length === 0; }
    return !control.value.trim();
  }
  function stepProblems(step) {
    var missing = [];
    step.querySelectorAll("[required]").forEach(function (control) {
      if (blank(control) && missing.indexOf(control.name) === -1) { missing.push(control.name); }
    });
    step.querySelectorAll("input[type=email]").forEach(function (control) {
      if (control.value && control.value.indexOf("@") < 1) { missing.push(control.name); }
    });
    return missing;
  }
  function show(index) {
    steps.forEach(function (step, position) { step.hidden = position !== index; });
  }
  function report(missing) {
    error.hidden = missing.length === 0;
    error.textContent = missing.length ? "Please complete the required fields: " + missing.join(", ") : "";
    return missing.length === 0;
  }
  steps.forEach(function (step, index) {
    step.querySelectorAll(".next").forEach(function (button) {
      button.addEventListener("click", function () {
        if (report(stepProblems(step))) { show(index + 1); }
      });
    });
    step.querySelectorAll(".back").forEach(function (button) {
      button.addEventListener("click", function () { report([]); show(index - 1); });
    });
  });
  form.addEventListener("submit", function (event) {
    var missing = [];
    steps.forEach(function (step) { missing = missing.concat(stepProblems(step)); });
    if (!report(missing)) { event.preventDefault(); }
  });
})();
