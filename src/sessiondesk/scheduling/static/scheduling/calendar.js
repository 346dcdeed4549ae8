// The staff calendar: FullCalendar's time grid over the events feed. Drags and resizes post to the
// session's move address (the same booking flow as the reschedule form); a refusal puts the block
// back and says why. The consultants view is one day grid per consultant, side by side; dropping a
// session in another column hands it to that consultant.
//
// Times are wall-clock times in the viewer's zone without an offset, both ways: FullCalendar is
// given the zone's name but no zone library, so it draws the server's times as they are.
(function () {
  "use strict";
  const root = document.getElementById("calendar");
  if (!root || !window.FullCalendar) return;

  // A phone opens on one day: a week's seven columns are too narrow there to read a session. An
  // address that names its view (the Week and Day buttons do) keeps it.
  const opened = new URL(window.location.href);
  if (!opened.searchParams.has("view") && window.matchMedia("(max-width: 600px)").matches) {
    opened.searchParams.set("view", "day");
    window.location.replace(opened.toString());
    return;
  }

  const zone = root.dataset.timezone;
  const manager = root.dataset.manager === "true";
  const consultants = JSON.parse(document.getElementById("cal-consultants").textContent);
  const statusBox = document.getElementById("cal-status");
  const title = document.getElementById("cal-title");
  const scopeDialog = document.getElementById("cal-scope");
  const hoursDialog = document.getElementById("cal-hours");
  const baseTitle = document.title;
  const calendars = [];
  const feeds = new Map();
  let pollTimer = null;

  const TIME = { hour: "2-digit", minute: "2-digit", hour12: false };

  function wallNow() {
    const parts = new Intl.DateTimeFormat("en-CA", {
      timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
    }).formatToParts(new Date());
    const part = (type) => parts.find((p) => p.type === type).value;
    return `${part("year")}-${part("month")}-${part("day")}T${part("hour")}:${part("minute")}:${part("second")}`;
  }

  // FullCalendar's dates here carry the viewer's wall-clock time in their UTC fields.
  function notPast(info) {
    return info.start >= new Date(`${wallNow()}Z`);
  }

  function say(message, kind) {
    statusBox.textContent = message;
    statusBox.className = `msg cal-status msg-${kind}`;
    statusBox.dataset.kind = kind;
    statusBox.hidden = false;
  }

  // One request per visible range, shared by every column of the consultants view (they ask
  // within moments of each other); an answer older than that is asked again.
  function feed(start, end) {
    const params = new URLSearchParams({ start: start, end: end });
    if (manager) params.set("consultants", consultants.map((c) => c.id).join(","));
    const key = params.toString();
    const kept = feeds.get(key);
    if (!kept || Date.now() - kept.at > 2000) {
      const answer = fetch(`${root.dataset.eventsUrl}?${key}`, {
        headers: { Accept: "application/json" }, credentials: "same-origin",
      }).then((response) => response.json().then((body) => {
        if (!response.ok) throw new Error(body.error || "The calendar could not be loaded.");
        return body;
      }));
      answer.catch(() => feeds.delete(key));
      feeds.set(key, { answer: answer, at: Date.now() });
    }
    return feeds.get(key).answer;
  }

  function refreshAll() {
    feeds.clear();
    calendars.forEach((calendar) => calendar.refetchEvents());
  }

  function pollWhileWorking(data) {
    const working = data.events.some((e) => ["creating", "updating"].includes(e.extendedProps.meeting));
    if (working && pollTimer === null) {
      pollTimer = window.setTimeout(() => { pollTimer = null; refreshAll(); }, 3000);
    }
  }

  function hoursOf(data, column) {
    const id = column !== null ? column : (data.consultants.length === 1 ? data.consultants[0].id : null);
    if (id === null) return [];
    const windows = data.hours[String(id)] || [];
    if (!windows.length) {
      return [{ start: "1970-01-01T00:00:00", end: "2999-01-01T00:00:00", display: "background", classNames: ["sd-off-hours"] }];
    }
    return windows.map(([start, end]) => ({
      start: start, end: end, groupId: `hours-${id}`, display: "inverse-background", classNames: ["sd-off-hours"],
    }));
  }

  function eventsFor(column) {
    return (info, success, failure) => {
      feed(info.startStr, info.endStr).then((data) => {
        const events = [];
        for (const e of data.events) {
          const p = e.extendedProps;
          if (column === null || p.consultant === column) events.push(e);
          else if (p.coHosts.includes(column)) {
            events.push(Object.assign({}, e, { editable: false, classNames: e.classNames.concat("sd-cohosting") }));
          }
        }
        success(events.concat(hoursOf(data, column)));
        pollWhileWorking(data);
      }).catch((error) => { say(error.message, "error"); failure(error); });
    };
  }

  function line(className, text) {
    const el = document.createElement("div");
    el.className = className;
    el.textContent = text;
    return el;
  }

  function content(column) {
    return (arg) => {
      if (arg.event.display !== "auto" && arg.event.display !== "block") return true;
      const p = arg.event.extendedProps;
      const nodes = [line("sd-ev-time", arg.timeText), line("sd-ev-title", arg.event.title)];
      const who = [column === null && manager ? p.consultantName : "", p.clients].filter(Boolean).join(" · ");
      if (who) nodes.push(line("sd-ev-who", who));
      const state = p.status === "cancelled" ? "Cancelled" : p.meetingLabel;
      if (state) nodes.push(line("sd-ev-state", state));
      return { domNodes: nodes };
    };
  }

  function mounted(arg) {
    const p = arg.event.extendedProps;
    if (!p.status) return;
    const el = arg.el;
    el.dataset.sessionId = arg.event.id;
    el.dataset.status = p.status;
    el.dataset.meeting = p.meeting;
    const state = p.status === "cancelled" ? "Cancelled" : (p.meetingLabel || "Scheduled");
    el.setAttribute("aria-label", `${arg.event.title}, ${arg.timeText}, ${p.consultantName}. ${state}.`);
    el.title = [arg.event.title, p.consultantName, p.clients, state].filter(Boolean).join("\n");
  }

  function askScope() {
    return new Promise((resolve) => {
      scopeDialog.querySelector('input[value="this"]').checked = true;
      scopeDialog.addEventListener("close", () => {
        const chosen = scopeDialog.querySelector('input[name="scope"]:checked');
        resolve(scopeDialog.returnValue === "move" && chosen ? chosen.value : null);
      }, { once: true });
      scopeDialog.returnValue = "";
      scopeDialog.showModal();
    });
  }

  // A time outside the host's working hours is asked about: true to move it there anyway.
  function askOutsideHours(words) {
    return new Promise((resolve) => {
      statusBox.hidden = true;  // the question replaces "Moving…" until it is answered
      document.getElementById("cal-hours-words").textContent = `${words} Move it there anyway?`;
      hoursDialog.addEventListener("close", () => resolve(hoursDialog.returnValue === "keep"), { once: true });
      hoursDialog.returnValue = "";
      hoursDialog.showModal();
    });
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": root.dataset.csrf, Accept: "application/json" },
    });
    return { response: response, answer: await response.json().catch(() => ({})) };
  }

  async function move(info, column, received) {
    const event = info.event;
    const p = event.extendedProps;
    let scope = "this";
    if (p.series) {
      scope = await askScope();
      if (scope === null) { info.revert(); refreshAll(); return; }
    }
    const body = new URLSearchParams({ start: event.startStr, end: event.endStr, scope: scope });
    if (column !== null) body.set("consultant", String(column));
    say(`Moving “${event.title}”…`, "busy");
    try {
      let { response, answer } = await post(p.moveUrl, body);
      if (response.status === 409 && answer.confirm === "outside_hours") {
        if (!(await askOutsideHours(answer.error))) throw new Error(`${answer.error} It stays where it was.`);
        body.set("outside_hours", "keep");
        say(`Moving “${event.title}”…`, "busy");
        ({ response, answer } = await post(p.moveUrl, body));
      }
      if (!response.ok) throw new Error(answer.error || "The session could not be moved.");
      say(answer.message, "success");
    } catch (error) {
      info.revert();
      say(`Not moved: ${error.message}`, "error");
      if (!received) return;  // back where it was; nothing else changed
    }
    // A block dropped from another column is a copy the feed does not own: the feed brings it back.
    if (received) info.event.remove();
    refreshAll();
  }

  function schedule(info, column) {
    const params = new URLSearchParams({ start: info.startStr });
    if (info.end - info.start > 30 * 60 * 1000) params.set("end", info.endStr);
    const host = column !== null ? column : (consultants.length === 1 ? consultants[0].id : null);
    if (host !== null) params.set("consultant", String(host));
    window.location.assign(`${root.dataset.createUrl}?${params}`);
  }

  function heading(view) {
    const day = (options) => new Intl.DateTimeFormat("en-GB", Object.assign({ timeZone: "UTC" }, options));
    if (view.type === "timeGridWeek") {
      return `Week of ${day({ day: "numeric", month: "long", year: "numeric" }).format(view.currentStart)}`;
    }
    return day({ weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(view.currentStart);
  }

  function remember(view) {
    title.textContent = heading(view);
    document.title = `${heading(view)} · ${baseTitle}`;
    const address = new URL(window.location.href);
    // The day the person is on (today, or the day they opened), not the first day of the week shown.
    address.searchParams.set("date", view.calendar.getDate().toISOString().slice(0, 10));
    window.history.replaceState(null, "", address);
    document.querySelectorAll(".cal-views a").forEach((link) => {
      const target = new URL(link.href);
      target.searchParams.set("date", address.searchParams.get("date"));
      link.href = target.toString();
    });
  }

  function options(column, view) {
    return {
      timeZone: zone,
      locale: "en-GB",
      now: wallNow,
      initialView: view,
      initialDate: root.dataset.date,
      headerToolbar: false,
      allDaySlot: false,
      slotEventOverlap: false,
      nowIndicator: true,
      firstDay: 1,
      editable: true,
      selectable: true,
      selectMirror: true,
      slotDuration: "00:30:00",
      scrollTime: "08:00:00",
      slotLabelFormat: TIME,
      eventTimeFormat: TIME,
      dayHeaderFormat: { weekday: "short", day: "numeric", month: "short" },
      events: eventsFor(column),
      eventContent: content(column),
      eventDidMount: mounted,
      eventDrop: (info) => move(info, column),
      eventResize: (info) => move(info, column),
      select: (info) => schedule(info, column),
      selectAllow: notPast,
      eventAllow: notPast,
    };
  }

  // The consultants' names are one bar above all columns, sticking to the top of their shared
  // scroller (each grid's own header would scroll away with it).
  function consultantsView() {
    if (!consultants.length) {
      root.appendChild(line("muted cal-empty", "Pick the consultants to show with “Find consultants” above."));
      return;
    }
    const columns = document.createElement("div");
    columns.className = "cal-columns";
    const names = document.createElement("div");
    names.className = "cal-names";
    const grids = document.createElement("div");
    grids.className = "cal-grids";
    columns.append(names, grids);
    root.appendChild(columns);
    consultants.forEach((consultant, index) => {
      names.appendChild(line("cal-name", consultant.name));
      const el = document.createElement("div");
      el.className = "cal-column";
      el.dataset.consultant = consultant.id;
      grids.appendChild(el);
      const column = Object.assign(options(consultant.id, "timeGridDay"), {
        height: "auto",
        droppable: true,
        dayHeaders: false,
        eventReceive: (info) => move(info, consultant.id, true),
      });
      if (index === 0) column.datesSet = (info) => remember(info.view);
      else column.slotLabelContent = () => "";
      const calendar = new FullCalendar.Calendar(el, column);
      calendar.render();
      calendars.push(calendar);
    });
    const axis = grids.querySelector(".fc-timegrid-axis, .fc-timegrid-slot-label");
    if (axis) names.firstChild.style.paddingLeft = `${axis.offsetWidth + 6}px`;
    const eight = grids.querySelector('.fc-timegrid-slot[data-time="08:00:00"]');
    if (eight) columns.scrollTop = eight.offsetTop;
  }

  // The grid's own scroller, where the hours scroll: the tallest of FullCalendar's scrollers.
  function hoursScroller(el) {
    let tallest = null;
    el.querySelectorAll(".fc-scroller").forEach((s) => {
      if (!tallest || s.scrollHeight > tallest.scrollHeight) tallest = s;
    });
    return tallest;
  }

  function gridView(view) {
    const el = document.createElement("div");
    root.appendChild(el);
    // A resized window redraws the grid (a moment later) at the top of the day: put it back where
    // the person was. What the redraw scrolls is not kept: from the resize until the redraw is done.
    let kept = null;
    let resizing = false;
    window.addEventListener("resize", () => { resizing = true; });
    el.addEventListener("scroll", (e) => { if (!resizing) kept = e.target.scrollTop; }, true);
    const calendar = new FullCalendar.Calendar(el, Object.assign(options(null, view), {
      height: 760,
      datesSet: (info) => remember(info.view),
      windowResize: () => {
        const scroller = hoursScroller(el);
        if (scroller && kept !== null) scroller.scrollTop = kept;
        resizing = false;
        root.dataset.redrawn = String(Number(root.dataset.redrawn || 0) + 1);  // for tests and tools
      },
    }));
    calendar.render();
    calendars.push(calendar);
  }

  document.querySelectorAll("[data-cal]").forEach((button) => {
    button.addEventListener("click", () => calendars.forEach((calendar) => calendar[button.dataset.cal]()));
  });
  if (root.dataset.view === "consultants") consultantsView();
  else gridView(root.dataset.view);
})();
