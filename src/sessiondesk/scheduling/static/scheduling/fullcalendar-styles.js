// Runs before FullCalendar: its rules go into the page's nonce-bearing style element, except the
// @font-face of its icon font, a data: URL that the Content-Security-Policy (fonts from this site
// only) would refuse. The calendar draws its arrows as text and never uses that font.
(function () {
  "use strict";
  const element = document.querySelector("style[data-fullcalendar]");
  const sheet = element && element.sheet;
  if (!sheet) return;
  const insert = sheet.insertRule.bind(sheet);
  sheet.insertRule = (rule, index) => {
    const at = Math.min(index === undefined ? 0 : index, sheet.cssRules.length);
    return rule.trimStart().startsWith("@font-face") ? at : insert(rule, at);
  };
})();
