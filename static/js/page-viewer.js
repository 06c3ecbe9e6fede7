/*
 * Page viewer: zoom and pan a page image with the mouse, touch and the keyboard.
 *
 * The page image and its zones (an SVG of links, one per article or notice) sit in
 * .page-canvas, which this script moves and scales with a CSS transform inside .page-viewport.
 * Without the script the page still shows at full width and every zone is still a link.
 * No inline script or style is needed: the site's Content Security Policy forbids both.
 *
 *   mouse     wheel zooms at the pointer, drag pans, double click zooms in
 *   touch     pinch zooms, one finger pans once zoomed in
 *   keyboard  + and - zoom, 0 resets, the arrow keys pan; Tab reaches each zone in turn
 *
 * A link to a zone (page URL#article-12) opens the page zoomed to that zone.
 */
(function () {
  "use strict";

  var MIN_SCALE = 1;
  var MAX_SCALE = 8;
  var STEP = 1.5;
  var DRAG_THRESHOLD = 6; // pixels a pointer moves before a press becomes a drag
  var KEY_PAN = 0.15; // of the viewport, per arrow key press

  function clamp(value, low, high) {
    return Math.min(Math.max(value, low), high);
  }

  function PageViewer(figure) {
    this.figure = figure;
    this.viewport = figure.querySelector(".page-viewport");
    this.canvas = figure.querySelector(".page-canvas");
    this.output = figure.querySelector(".page-viewer-scale");
    this.scale = 1;
    this.x = 0;
    this.y = 0;
    this.pointers = new Map();
    this.start = null;
    this.pinch = null;
    this.dragged = false;

    var toolbar = figure.querySelector(".page-viewer-toolbar");
    toolbar.hidden = false;
    toolbar.addEventListener("click", this.onToolbar.bind(this));

    var viewport = this.viewport;
    viewport.addEventListener("wheel", this.onWheel.bind(this), { passive: false });
    viewport.addEventListener("pointerdown", this.onPointerDown.bind(this));
    viewport.addEventListener("pointermove", this.onPointerMove.bind(this));
    viewport.addEventListener("pointerup", this.onPointerUp.bind(this));
    viewport.addEventListener("pointercancel", this.onPointerUp.bind(this));
    viewport.addEventListener("click", this.onClick.bind(this), true);
    viewport.addEventListener("dblclick", this.onDoubleClick.bind(this));
    viewport.addEventListener("keydown", this.onKeyDown.bind(this));
    viewport.addEventListener("focusin", this.onFocusIn.bind(this));
    viewport.addEventListener("dragstart", function (event) { event.preventDefault(); });
    window.addEventListener("resize", this.apply.bind(this, false));
    window.addEventListener("hashchange", this.showTarget.bind(this));
    this.apply(false);
    this.showTarget();
  }

  PageViewer.prototype.size = function () {
    return { width: this.viewport.clientWidth, height: this.viewport.clientHeight };
  };

  PageViewer.prototype.point = function (clientX, clientY) {
    var rect = this.viewport.getBoundingClientRect();
    return { x: clientX - rect.left - this.viewport.clientLeft, y: clientY - rect.top - this.viewport.clientTop };
  };

  PageViewer.prototype.center = function () {
    var size = this.size();
    return { x: size.width / 2, y: size.height / 2 };
  };

  /* Show the canvas at this.scale, moved by this.x and this.y, never leaving a gap. */
  PageViewer.prototype.apply = function (animate) {
    var size = this.size();
    this.scale = clamp(this.scale, MIN_SCALE, MAX_SCALE);
    this.x = clamp(this.x, size.width * (1 - this.scale), 0);
    this.y = clamp(this.y, size.height * (1 - this.scale), 0);
    this.canvas.classList.toggle("is-animated", Boolean(animate));
    this.canvas.style.transform =
      "translate(" + this.x + "px, " + this.y + "px) scale(" + this.scale + ")";
    this.viewport.classList.toggle("is-zoomed", this.scale > MIN_SCALE);
    this.viewport.setAttribute("data-scale", this.scale.toFixed(2));
    if (this.output) {
      this.output.value = Math.round(this.scale * 100) + "%";
    }
  };

  /* Zoom to `scale`, keeping the point `at` of the viewport where it is. */
  PageViewer.prototype.zoomTo = function (scale, at, animate) {
    scale = clamp(scale, MIN_SCALE, MAX_SCALE);
    var canvasX = (at.x - this.x) / this.scale;
    var canvasY = (at.y - this.y) / this.scale;
    this.x = at.x - canvasX * scale;
    this.y = at.y - canvasY * scale;
    this.scale = scale;
    this.apply(animate);
  };

  PageViewer.prototype.reset = function () {
    this.scale = 1;
    this.x = 0;
    this.y = 0;
    this.apply(true);
  };

  /* The rectangle of a zone in canvas pixels at scale 1, whatever transform is under way. */
  PageViewer.prototype.canvasRect = function (element) {
    var box = element.getBBox(); // in the zones' own units: fractions of the page
    var width = this.canvas.offsetWidth;
    var height = this.canvas.offsetHeight;
    return { x: box.x * width, y: box.y * height, width: box.width * width, height: box.height * height };
  };

  /* Zoom so that `element` fills most of the viewport, centred. */
  PageViewer.prototype.zoomToElement = function (element, animate) {
    var size = this.size();
    var rect = this.canvasRect(element);
    if (!rect.width || !rect.height) {
      return;
    }
    var scale = clamp(0.9 * Math.min(size.width / rect.width, size.height / rect.height), MIN_SCALE, 4);
    this.scale = scale;
    this.x = size.width / 2 - (rect.x + rect.width / 2) * scale;
    this.y = size.height / 2 - (rect.y + rect.height / 2) * scale;
    this.apply(animate);
  };

  /* Pan just enough to bring `element` into view. */
  PageViewer.prototype.reveal = function (element) {
    var size = this.size();
    var rect = this.canvasRect(element);
    var left = rect.x * this.scale + this.x;
    var top = rect.y * this.scale + this.y;
    var right = left + rect.width * this.scale;
    var bottom = top + rect.height * this.scale;
    if (left < 0 || right > size.width) {
      this.x -= right - left > size.width ? left : left < 0 ? left : right - size.width;
    }
    if (top < 0 || bottom > size.height) {
      this.y -= bottom - top > size.height ? top : top < 0 ? top : bottom - size.height;
    }
    this.apply(true);
  };

  PageViewer.prototype.showTarget = function () {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && this.canvas.contains(target)) {
      this.zoomToElement(target, false);
      this.figure.scrollIntoView({ block: "nearest" });
    }
  };

  PageViewer.prototype.onToolbar = function (event) {
    var button = event.target.closest("[data-zoom]");
    if (!button) {
      return;
    }
    var action = button.getAttribute("data-zoom");
    if (action === "in") {
      this.zoomTo(this.scale * STEP, this.center(), true);
    } else if (action === "out") {
      this.zoomTo(this.scale / STEP, this.center(), true);
    } else {
      this.reset();
    }
  };

  PageViewer.prototype.onWheel = function (event) {
    event.preventDefault();
    var pixels = event.deltaMode === 1 ? event.deltaY * 20 : event.deltaY;
    this.zoomTo(this.scale * Math.exp(-pixels * 0.002), this.point(event.clientX, event.clientY), false);
  };

  PageViewer.prototype.onPointerDown = function (event) {
    if (event.pointerType === "mouse" && event.button !== 0) {
      return;
    }
    this.pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (this.pointers.size === 1) {
      this.dragged = false;
      this.beginDrag(event.clientX, event.clientY);
    } else if (this.pointers.size === 2) {
      this.beginPinch();
    }
  };

  PageViewer.prototype.beginDrag = function (clientX, clientY) {
    this.start = { clientX: clientX, clientY: clientY, x: this.x, y: this.y };
    this.pinch = null;
  };

  PageViewer.prototype.beginPinch = function () {
    var points = Array.from(this.pointers.values());
    var middle = this.point((points[0].x + points[1].x) / 2, (points[0].y + points[1].y) / 2);
    this.pinch = {
      distance: Math.max(Math.hypot(points[0].x - points[1].x, points[0].y - points[1].y), 1),
      scale: this.scale,
      canvasX: (middle.x - this.x) / this.scale,
      canvasY: (middle.y - this.y) / this.scale
    };
    this.startDragging();
  };

  PageViewer.prototype.startDragging = function () {
    if (this.dragged) {
      return;
    }
    this.dragged = true;
    this.viewport.classList.add("is-dragging");
    // Captured only once a press has become a drag: a plain click must still reach its zone.
    this.pointers.forEach(function (_, id) {
      try {
        this.viewport.setPointerCapture(id);
      } catch (error) {
        // The pointer is already gone.
      }
    }, this);
  };

  PageViewer.prototype.onPointerMove = function (event) {
    if (!this.pointers.has(event.pointerId)) {
      return;
    }
    this.pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (this.pinch && this.pointers.size >= 2) {
      var points = Array.from(this.pointers.values());
      var middle = this.point((points[0].x + points[1].x) / 2, (points[0].y + points[1].y) / 2);
      var distance = Math.hypot(points[0].x - points[1].x, points[0].y - points[1].y);
      var scale = clamp(this.pinch.scale * distance / this.pinch.distance, MIN_SCALE, MAX_SCALE);
      this.scale = scale;
      this.x = middle.x - this.pinch.canvasX * scale;
      this.y = middle.y - this.pinch.canvasY * scale;
      this.apply(false);
    } else if (this.start) {
      var dx = event.clientX - this.start.clientX;
      var dy = event.clientY - this.start.clientY;
      if (!this.dragged && Math.hypot(dx, dy) < DRAG_THRESHOLD) {
        return;
      }
      this.startDragging();
      this.x = this.start.x + dx;
      this.y = this.start.y + dy;
      this.apply(false);
    }
  };

  PageViewer.prototype.onPointerUp = function (event) {
    this.pointers.delete(event.pointerId);
    if (this.pointers.size === 1) {
      var rest = this.pointers.values().next().value;
      this.beginDrag(rest.x, rest.y);
    } else if (this.pointers.size === 0) {
      this.start = null;
      this.pinch = null;
      this.viewport.classList.remove("is-dragging");
    }
  };

  /* A drag that ends over a zone is not a click on it. */
  PageViewer.prototype.onClick = function (event) {
    if (this.dragged) {
      event.preventDefault();
      event.stopPropagation();
      this.dragged = false;
    }
  };

  PageViewer.prototype.onDoubleClick = function (event) {
    var at = this.point(event.clientX, event.clientY);
    if (this.scale >= MAX_SCALE) {
      this.reset();
    } else {
      this.zoomTo(this.scale * 2, at, true);
    }
  };

  PageViewer.prototype.onKeyDown = function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    var size = this.size();
    var handled = true;
    switch (event.key) {
      case "+":
      case "=":
        this.zoomTo(this.scale * STEP, this.center(), true);
        break;
      case "-":
      case "_":
        this.zoomTo(this.scale / STEP, this.center(), true);
        break;
      case "0":
        this.reset();
        break;
      case "ArrowLeft":
      case "ArrowRight":
      case "ArrowUp":
      case "ArrowDown":
        if (this.scale <= MIN_SCALE) {
          handled = false; // nothing to pan: let the page scroll
          break;
        }
        this.x += event.key === "ArrowLeft" ? size.width * KEY_PAN : event.key === "ArrowRight" ? -size.width * KEY_PAN : 0;
        this.y += event.key === "ArrowUp" ? size.height * KEY_PAN : event.key === "ArrowDown" ? -size.height * KEY_PAN : 0;
        this.apply(true);
        break;
      default:
        handled = false;
    }
    if (handled) {
      event.preventDefault();
    }
  };

  /* A zone reached with Tab while zoomed in is brought into view. */
  PageViewer.prototype.onFocusIn = function (event) {
    // Browsers without overflow: clip scroll the viewport to a focused zone; the transform moves.
    this.viewport.scrollLeft = 0;
    this.viewport.scrollTop = 0;
    var zone = event.target.closest && event.target.closest(".page-zone");
    if (zone && this.scale > MIN_SCALE) {
      this.reveal(zone);
    }
  };

  document.querySelectorAll("[data-page-viewer]").forEach(function (figure) {
    new PageViewer(figure);
  });
})();
