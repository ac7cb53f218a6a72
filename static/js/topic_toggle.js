// Ticks a topic done or not done without reloading the page. Without JavaScript the same
// button posts its form and the server redirects back, so this is only a nicety.
function updateTopic(action, done) {
  document.querySelectorAll("button.topic-toggle").forEach((button) => {
    if (button.formAction !== action) return;
    button.value = done ? "0" : "1";
    button.setAttribute("aria-pressed", String(done));
    const row = button.closest("[data-topic-row]");
    if (row) row.classList.toggle(row.tagName === "TR" ? "table-success" : "list-group-item-success", done);
  });
}

function updateProgress(data) {
  document.querySelectorAll(`[data-progress="${data.milestone}"]`).forEach((el) => {
    el.textContent = data.summary;
  });
  document.querySelectorAll(`[data-standing="${data.milestone}"]`).forEach((el) => {
    el.textContent = data.standing;
  });
  document.querySelectorAll(`[data-progress-bar="${data.milestone}"] [data-progress-fill]`).forEach((el) => {
    el.setAttribute("width", data.percent);
  });
}

document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-topic-toggle]");
  const button = event.submitter;
  if (!form || !button || !button.classList.contains("topic-toggle") || button.dataset.plain) return;
  event.preventDefault();
  const action = button.formAction;
  // Read the form before disabling the button: a disabled button's value is left out.
  const body = new FormData(form, button);
  button.disabled = true;
  try {
    const response = await fetch(action, {
      method: "POST",
      body,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const data = await response.json();
    updateTopic(action, data.done);
    updateProgress(data);
  } catch {
    // Fall back to the plain form post, which reloads the page with the server's answer.
    button.disabled = false;
    button.dataset.plain = "true";
    form.requestSubmit(button);
    return;
  }
  button.disabled = false;
});
