// Suggests films under the header's search box as someone types: an ARIA combobox whose
// listbox holds links. Without this script the box is a plain search form.
(() => {
  "use strict";
  const input = document.getElementById("site-search-q");
  const form = input && input.form;
  if (!form || !form.dataset.suggestUrl || !window.fetch) return;

  const MIN_LENGTH = 2;
  const list = document.createElement("ul");
  list.id = "site-search-suggestions";
  list.className = "search-suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Suggested films");
  list.hidden = true;
  const status = document.createElement("span");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  form.classList.add("has-suggestions");
  form.append(list, status);

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("autocomplete", "off");

  let active = -1;
  let timer = null;
  let controller = null;
  let shownFor = "";

  const options = () => list.querySelectorAll('[role="option"]');

  function close() {
    list.hidden = true;
    list.replaceChildren();
    active = -1;
    shownFor = "";
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function highlight(index) {
    options().forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index >= 0) input.setAttribute("aria-activedescendant", options()[index].id);
  }

  function show(query, films) {
    list.replaceChildren(
      ...films.map((film, i) => {
        const option = document.createElement("li");
        option.id = `site-search-suggestion-${i}`;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        const link = document.createElement("a");
        link.href = film.url;
        link.tabIndex = -1;
        link.textContent = film.year ? `${film.title} (${film.year})` : film.title;
        // Keep the focus in the box so that the click lands on the link.
        link.addEventListener("mousedown", (event) => event.preventDefault());
        option.append(link);
        return option;
      }),
    );
    active = -1;
    shownFor = query;
    list.hidden = films.length === 0;
    input.setAttribute("aria-expanded", String(films.length > 0));
    input.removeAttribute("aria-activedescendant");
    status.textContent = films.length
      ? `${films.length} suggested film${films.length === 1 ? "" : "s"}; use the arrow keys to choose.`
      : "";
  }

  async function suggest() {
    const query = input.value.trim();
    if (query.length < MIN_LENGTH) return close();
    if (query === shownFor) return;
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const url = `${form.dataset.suggestUrl}?q=${encodeURIComponent(query)}`;
      const response = await fetch(url, {
        signal: controller.signal,
        headers: { Accept: "application/json" },
      });
      if (!response.ok) return close();
      const data = await response.json();
      if (input.value.trim() === query) show(query, data.films);
    } catch (error) {
      if (error.name !== "AbortError") close();
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, 150);
  });
  input.addEventListener("keydown", (event) => {
    const count = options().length;
    if (event.key === "ArrowDown" && count) {
      event.preventDefault();
      highlight((active + 1) % count);
    } else if (event.key === "ArrowUp" && count) {
      event.preventDefault();
      highlight(active <= 0 ? count - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.assign(options()[active].querySelector("a").href);
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", close);
})();
