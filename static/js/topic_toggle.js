// Ticks a topic done or not done without reloading the page. Without JavaScript the same
// form posts and the server redirects back, so this is only a nicety.
document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-topic-toggle]");
  if (!form) return;
  event.preventDefault();
  const button = form.querySelector("button[name=done]");
  const body = new FormData(form);
  body.set("done", button.value);
  button.disabled = true;
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const data = await response.json();
    document.querySelectorAll(`form[action="${form.getAttribute("action")}"] button[name=done]`).forEach((other) => {
      other.value = data.done ? "0" : "1";
      other.setAttribute("aria-pressed", String(data.done));
      const row = other.closest("[data-topic-row]");
      if (row) row.classList.toggle(row.tagName === "TR" ? "table-success" : "list-group-item-success", data.done);
    });
    document.querySelectorAll(`[data-progress="${data.milestone}"]`).forEach((el) => { el.textContent = data.summary; });
    document.querySelectorAll(`[data-standing="${data.milestone}"]`).forEach((el) => { el.textContent = data.standing; });
    document.querySelectorAll(`[data-progress-bar="${data.milestone}"] [data-progress-fill]`).forEach((el) => {
      el.setAttribute("width", data.percent);
    });
  } catch (error) {
    form.submit();
  } finally {
    button.disabled = false;
  }
});
