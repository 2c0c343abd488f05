// Live views poll with the ETag the server rendered into them, so an unchanged
// workshop answers 304 and nothing is rendered or swapped.
document.addEventListener("htmx:configRequest", (event) => {
  const etag = event.detail.elt.dataset.etag;
  if (etag && event.detail.verb === "get") {
    event.detail.headers["If-None-Match"] = etag;
  }
});

// Status regions sit outside what polls replace and are brought up to date out of band. A
// screen reader reads a region again whenever its text is rewritten, so a poll that brings the
// same words leaves it alone.
document.addEventListener("htmx:oobBeforeSwap", (event) => {
  const { target, fragment } = event.detail;
  const live = target.matches("[aria-live], [role=status], [role=alert]");
  if (live && fragment && target.textContent.trim() === fragment.textContent.trim()) {
    event.detail.shouldSwap = false;
  }
});

// A form sent back with errors: focus goes to the list of what to correct (or, on a form too
// small for one, to the field), and each link in the list puts the cursor in its field.
document.addEventListener("DOMContentLoaded", () => {
  const first = document.querySelector("[data-error-summary], [aria-invalid=true]");
  if (!first) return;
  first.closest("details")?.setAttribute("open", "");
  first.focus();
});
document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-error-summary] a[href^='#']");
  const field = link && document.getElementById(link.hash.slice(1));
  if (!field) return;
  event.preventDefault();
  field.closest("details")?.setAttribute("open", "");
  field.focus();
  field.scrollIntoView({ block: "center" });
});

// Every poll of a group page, changed or not, says who else is on it (percent-encoded).
document.addEventListener("htmx:afterRequest", (event) => {
  const presence = event.detail.xhr && event.detail.xhr.getResponseHeader("Kodeks-Presence");
  const shown = document.getElementById("presence");
  if (presence === null || !shown) return;
  const sentence = decodeURIComponent(presence);
  if (shown.textContent !== sentence) shown.textContent = sentence;
});

// Countdown timers: the server renders the end time; this shows the minutes left, and when
// they have run out says so, once to screen readers.
const announcedTimers = new Set();
function tickCountdowns() {
  for (const timer of document.querySelectorAll("[data-countdown]")) {
    const endsAt = timer.dataset.countdown;
    const seconds = Math.max(0, Math.round((Date.parse(endsAt) - Date.now()) / 1000));
    if (seconds > 0) {
      timer.textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
      continue;
    }
    const box = timer.closest(".timer");
    box.classList.add("expired");
    box.textContent = box.dataset.expired;
    const announcer = document.getElementById("timer-announcer");
    if (announcer && !announcedTimers.has(endsAt)) {
      announcedTimers.add(endsAt);
      announcer.textContent = box.dataset.expired;
      // A timer that ran out while the page was closed is not worth a sound on opening it.
      if (Date.now() - Date.parse(endsAt) < 5000) chime();
    }
  }
}
// The projector can play a short sound when the time is up: off until the facilitator ticks
// it, and remembered on this computer.
const SOUND_KEY = "kodeks:timer-sound";
function soundSwitch() {
  return document.querySelector("[data-timer-sound]");
}
function chime() {
  const toggle = soundSwitch();
  if (!toggle?.checked) return;
  new Audio(toggle.dataset.timerSound).play().catch(() => {
    // The browser allows no sound before the page was touched; the words are on screen.
  });
}
document.addEventListener("DOMContentLoaded", () => {
  const toggle = soundSwitch();
  if (!toggle) return;
  try {
    toggle.checked = localStorage.getItem(SOUND_KEY) === "on";
  } catch {
    toggle.checked = false;
  }
  toggle.addEventListener("change", () => {
    try {
      localStorage.setItem(SOUND_KEY, toggle.checked ? "on" : "off");
    } catch {
      // Storage off: the choice lasts as long as the page.
    }
  });
});
setInterval(tickCountdowns, 1000);
document.addEventListener("htmx:afterSwap", tickCountdowns);
document.addEventListener("DOMContentLoaded", tickCountdowns);

// The projector view steps through its screens with the arrow keys.
document.addEventListener("keydown", (event) => {
  if (!document.body.classList.contains("projector")) return;
  const rel = { ArrowRight: "next", PageDown: "next", ArrowLeft: "prev", PageUp: "prev" }[event.key];
  const link = rel && document.querySelector(`a[rel="${rel}"]`);
  if (link) {
    event.preventDefault();
    link.click();
  }
});

// Summaries offer a print button; the print stylesheet lays them out on A4.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});

// The set-up form's pool picker: how many cases the ticked duties and cases give, as they are
// ticked. The server decides the pool; this only tells the facilitator before they create.
function countPool(picker) {
  const chosen = new Set();
  for (const section of picker.querySelectorAll(".pool-section")) {
    const duty = section.querySelector(".pool-duty input");
    for (const box of section.querySelectorAll(".pool-cases input")) {
      if (box.checked || duty?.checked) chosen.add(box.value);
    }
  }
  const output = picker.querySelector("[data-pool-count]");
  output.textContent =
    chosen.size === 1
      ? picker.dataset.countOne
      : picker.dataset.countMany.replace("{count}", String(chosen.size));
}
document.addEventListener("DOMContentLoaded", () => {
  for (const picker of document.querySelectorAll("[data-pool-picker]")) {
    countPool(picker);
    picker.addEventListener("change", () => countPool(picker));
  }
});

// A table wider than the screen scrolls in its box: the box can then be reached with Tab and
// scrolled with the arrow keys, and is named by the heading of the part it is in.
function headingOf(box) {
  const section = box.closest("[aria-labelledby]");
  if (section) return section.getAttribute("aria-labelledby");
  let before = box.previousElementSibling;
  while (before && !/^H[1-6]$/.test(before.tagName)) before = before.previousElementSibling;
  return before?.id || null;
}
function reachableScrollBoxes() {
  for (const box of document.querySelectorAll(".table-scroll")) {
    const scrolls = box.scrollWidth > box.clientWidth + 1;
    const heading = headingOf(box);
    if (scrolls && heading && !box.hasAttribute("tabindex")) {
      box.tabIndex = 0;
      box.setAttribute("role", "group");
      box.setAttribute("aria-labelledby", heading);
    } else if (!scrolls && box.getAttribute("role") === "group") {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-labelledby");
    }
  }
}
// A poll that swaps a box in keeps where it was scrolled to, and its focus.
let boxesBefore = null;
document.addEventListener("htmx:beforeSwap", () => {
  boxesBefore = [...document.querySelectorAll(".table-scroll[id]")].map((box) => ({
    id: box.id,
    left: box.scrollLeft,
    focused: document.activeElement === box,
  }));
});
document.addEventListener("htmx:afterSettle", () => {
  reachableScrollBoxes();
  for (const before of boxesBefore || []) {
    const box = document.getElementById(before.id);
    if (!box) continue;
    box.scrollLeft = before.left;
    if (before.focused && document.activeElement !== box) box.focus({ preventScroll: true });
  }
  boxesBefore = null;
});
document.addEventListener("DOMContentLoaded", reachableScrollBoxes);
window.addEventListener("resize", reachableScrollBoxes);
