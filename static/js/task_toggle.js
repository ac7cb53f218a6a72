// Records a task done, not done or in part without reloading Today. Without JavaScript the same
// forms post and the server redirects back, so this is only a nicety.
function updateRow(form, data) {
  const row = form.closest("[data-task-row]");
  if (!row) return;
  const overdue = form.hasAttribute("data-task-overdue");
  row.querySelectorAll("button.task-toggle").forEach((button) => {
    button.setAttribute("aria-pressed", String(data.done));
    // An overdue item, once ticked, is recorded on its day: there is nothing to untick here.
    if (overdue) button.disabled = data.done;
    else button.value = data.done ? "0" : "1";
  });
  row.classList.toggle("list-group-item-success", data.done);
  const status = row.querySelector("[data-task-status]");
  if (status) status.textContent = data.status;
  const amount = row.querySelector('input[name="amount"]');
  if (amount && data.recorded !== null) amount.value = data.recorded || "";
}

function updateStatus(text) {
  document.querySelectorAll("[data-today-status]").forEach((el) => {
    el.textContent = text;
  });
}

document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-task-form]");
  if (!form || form.dataset.plain) return;
  event.preventDefault();
  const button = event.submitter;
  // Read the form before disabling the button: a disabled button's value is left out.
  const body = new FormData(form, button);
  if (button) button.disabled = true;
  let response;
  try {
    response = await fetch(form.action, {
      method: "POST",
      body,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
  } catch {
    response = null;
  }
  if (button) button.disabled = false;
  if (response && response.status === 400) {
    const data = await response.json();
    updateStatus(data.errors.join(" "));
    return;
  }
  if (!response || !response.ok) {
    // Fall back to the plain form post, which reloads the page with the server's answer.
    form.dataset.plain = "true";
    form.requestSubmit(button);
    return;
  }
  const data = await response.json();
  updateRow(form, data);
  updateStatus(`${data.message} ${data.summary}`);
});
