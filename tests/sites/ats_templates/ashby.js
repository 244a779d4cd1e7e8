(function () {
  var form = document.querySelector(".ashby-application-form");
  var errors = form.querySelector(".ashby-application-form-errors");
  var locations = ["San Francisco, California, United States", "New York, New York, United States",
    "London, England, United Kingdom", "Berlin, Germany", "Toronto, Ontario, Canada", "Remote"];
  var locationPicked = false;
  form.querySelectorAll("._uploadButton").forEach(function (button) {
    button.addEventListener("click", function () { document.getElementById(button.dataset.target).click(); });
  });
  form.querySelectorAll("input[type=file]").forEach(function (input) {
    input.addEventListener("change", function () {
      input.parentElement.querySelector("._fileName").textContent = input.files.length ? input.files[0].name : "";
    });
  });
  form.querySelectorAll("._yesno").forEach(function (group) {
    var hidden = document.getElementById(group.dataset.input);
    group.querySelectorAll("button").forEach(function (button) {
      button.addEventListener("click", function () {
        group.querySelectorAll("button").forEach(function (other) { other.setAttribute("aria-pressed", "false"); });
        button.setAttribute("aria-pressed", "true");
        hidden.value = button.textContent.trim() === "Yes" ? "true" : "false";
      });
    });
  });
  var combo = document.getElementById("_systemfield_location");
  var listbox = document.getElementById("_systemfield_location-listbox");
  function closeList() { listbox.hidden = true; combo.setAttribute("aria-expanded", "false"); }
  combo.addEventListener("input", function () {
    locationPicked = false;
    var typed = combo.value.trim().toLowerCase();
    listbox.innerHTML = "";
    if (!typed) { closeList(); return; }
    window.setTimeout(function () {
      locations.filter(function (name) { return name.toLowerCase().indexOf(typed) !== -1; }).forEach(function (name, index) {
        var option = document.createElement("li");
        option.setAttribute("role", "option");
        option.id = "_systemfield_location-option-" + index;
        option.textContent = name;
        option.addEventListener("click", function () {
          combo.value = name;
          locationPicked = true;
          closeList();
        });
        listbox.appendChild(option);
      });
      listbox.hidden = listbox.children.length === 0;
      combo.setAttribute("aria-expanded", listbox.hidden ? "false" : "true");
    }, 150);
  });
  function problems() {
    var found = [];
    ["_systemfield_name", "_systemfield_email"].forEach(function (id) {
      if (!document.getElementById(id).value.trim()) { found.push(id.replace("_systemfield_", "") + " is required"); }
    });
    if (document.getElementById("_systemfield_resume").files.length === 0) { found.push("Resume is required"); }
    if (!locationPicked) { found.push("Please select a location from the list"); }
    form.querySelectorAll("._yesno[data-required=true]").forEach(function (group) {
      if (!document.getElementById(group.dataset.input).value) { found.push("Please answer every required question"); }
    });
    return found;
  }
  function showSuccess(message) {
    var box = document.createElement("div");
    box.className = "ashby-application-form-success-container";
    box.innerHTML = "<h2>Thank you for applying</h2><p></p>";
    box.querySelector("p").textContent = message;
    form.parentElement.replaceChild(box, form);
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var found = problems();
    if (found.length) {
      errors.hidden = false;
      errors.textContent = found.join(". ");
      return;
    }
    errors.hidden = true;
    var button = form.querySelector(".ashby-application-form-submit-button");
    button.disabled = true;
    fetch(form.dataset.submitUrl, { method: "POST", body: new FormData(form) })
      .then(function (response) { return response.json(); })
      .then(function (result) {
        if (result.status === "ok") { showSuccess(result.message); return; }
        button.disabled = false;
        errors.hidden = false;
        errors.textContent = result.errors.join(". ");
      });
  });
})();
