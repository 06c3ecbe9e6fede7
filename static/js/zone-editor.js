/*
 * Zone editor for the admin: draw, move and resize an article's or notice's zones (热区) on
 * its page image. The zones are the rows of an inline formset (left, top, width, height as
 * fractions of the page); this script draws each row as a rectangle and writes the numbers
 * back as the editor drags. The form is saved as usual: the script only fills its fields.
 */
(function () {
  "use strict";

  var FIELDS = ["left", "top", "width", "height"];
  var MIN_SIZE = 0.005;
  var HANDLE = 12; // pixels
  var SVG = "http://www.w3.org/2000/svg";

  function clamp(value, low, high) {
    return Math.min(Math.max(value, low), high);
  }

  function ZoneEditor(element) {
    this.prefix = element.getAttribute("data-zone-editor");
    this.svg = element.querySelector(".page-zones-admin-editable");
    this.group = document.getElementById(this.prefix + "-group");
    this.drag = null;
    if (!this.svg || !this.group) {
      return;
    }
    var redraw = this.draw.bind(this);
    this.svg.addEventListener("pointerdown", this.onPointerDown.bind(this));
    this.svg.addEventListener("pointermove", this.onPointerMove.bind(this));
    this.svg.addEventListener("pointerup", this.onPointerUp.bind(this));
    this.svg.addEventListener("pointercancel", this.onPointerUp.bind(this));
    this.group.addEventListener("input", redraw);
    this.group.addEventListener("change", redraw);
    document.addEventListener("formset:added", redraw);
    document.addEventListener("formset:removed", redraw);
    window.addEventListener("resize", redraw);
    this.draw();
  }

  ZoneEditor.prototype.rows = function () {
    var prefix = this.prefix;
    return Array.prototype.filter.call(this.group.querySelectorAll("[id^='" + prefix + "-']"), function (row) {
      return /-\d+$/.test(row.id) && row.querySelector("input[name$='-left']");
    });
  };

  ZoneEditor.prototype.input = function (row, field) {
    return row.querySelector("input[name$='-" + field + "']");
  };

  ZoneEditor.prototype.values = function (row) {
    var editor = this;
    return FIELDS.map(function (field) {
      return parseFloat(editor.input(row, field).value);
    });
  };

  ZoneEditor.prototype.write = function (row, values) {
    var editor = this;
    FIELDS.forEach(function (field, index) {
      editor.input(row, field).value = values[index].toFixed(4);
    });
  };

  ZoneEditor.prototype.rect = function (values, className) {
    var rect = document.createElementNS(SVG, "rect");
    rect.setAttribute("x", values[0]);
    rect.setAttribute("y", values[1]);
    rect.setAttribute("width", values[2]);
    rect.setAttribute("height", values[3]);
    if (className) {
      rect.setAttribute("class", className);
    }
    this.svg.appendChild(rect);
    return rect;
  };

  ZoneEditor.prototype.draw = function () {
    var box = this.svg.getBoundingClientRect();
    var handleWidth = box.width ? HANDLE / box.width : 0.01;
    var handleHeight = box.height ? HANDLE / box.height : 0.01;
    this.svg.replaceChildren();
    this.rows().forEach(function (row, index) {
      var values = this.values(row);
      if (values.some(isNaN) || values[2] <= 0 || values[3] <= 0) {
        return;
      }
      var deleted = row.querySelector("input[name$='-DELETE']");
      var zone = this.rect(values, deleted && deleted.checked ? "is-deleted" : "");
      zone.setAttribute("data-row", index);
      var handle = this.rect(
        [values[0] + values[2] - handleWidth / 2, values[1] + values[3] - handleHeight / 2, handleWidth, handleHeight],
        "is-handle"
      );
      handle.setAttribute("data-row", index);
      handle.setAttribute("data-handle", "");
    }, this);
    if (this.drag && this.drag.mode === "new") {
      this.rect(this.drag.box, "");
    }
  };

  ZoneEditor.prototype.position = function (event) {
    var box = this.svg.getBoundingClientRect();
    return {
      x: clamp((event.clientX - box.left) / box.width, 0, 1),
      y: clamp((event.clientY - box.top) / box.height, 0, 1)
    };
  };

  ZoneEditor.prototype.onPointerDown = function (event) {
    if (event.button !== 0) {
      return;
    }
    event.preventDefault();
    var start = this.position(event);
    var target = event.target;
    if (target.hasAttribute("data-row")) {
      var row = this.rows()[Number(target.getAttribute("data-row"))];
      this.drag = {
        mode: target.hasAttribute("data-handle") ? "resize" : "move",
        row: row,
        start: start,
        values: this.values(row)
      };
    } else {
      this.drag = { mode: "new", start: start, box: [start.x, start.y, 0, 0] };
    }
    this.svg.setPointerCapture(event.pointerId);
  };

  ZoneEditor.prototype.onPointerMove = function (event) {
    if (!this.drag) {
      return;
    }
    var drag = this.drag;
    var here = this.position(event);
    var dx = here.x - drag.start.x;
    var dy = here.y - drag.start.y;
    if (drag.mode === "move") {
      var v = drag.values;
      this.write(drag.row, [clamp(v[0] + dx, 0, 1 - v[2]), clamp(v[1] + dy, 0, 1 - v[3]), v[2], v[3]]);
    } else if (drag.mode === "resize") {
      var w = drag.values;
      this.write(drag.row, [w[0], w[1], clamp(w[2] + dx, MIN_SIZE, 1 - w[0]), clamp(w[3] + dy, MIN_SIZE, 1 - w[1])]);
    } else {
      drag.box = [
        Math.min(drag.start.x, here.x),
        Math.min(drag.start.y, here.y),
        Math.abs(dx),
        Math.abs(dy)
      ];
    }
    this.draw();
  };

  ZoneEditor.prototype.onPointerUp = function () {
    var drag = this.drag;
    this.drag = null;
    if (drag && drag.mode === "new" && drag.box[2] >= MIN_SIZE && drag.box[3] >= MIN_SIZE) {
      var row = this.addRow();
      if (row) {
        this.write(row, drag.box);
      }
    }
    this.draw();
  };

  /* A new row of the formset, added as Django's own "add another" link does. */
  ZoneEditor.prototype.addRow = function () {
    var total = document.getElementById("id_" + this.prefix + "-TOTAL_FORMS");
    var link = this.group.querySelector(".add-row a");
    if (!total || !link) {
      return null;
    }
    var index = Number(total.value);
    link.click();
    return document.getElementById(this.prefix + "-" + index);
  };

  function start() {
    document.querySelectorAll("[data-zone-editor]").forEach(function (element) {
      new ZoneEditor(element);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
