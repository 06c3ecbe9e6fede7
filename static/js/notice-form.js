/*
 * The notice form shows the block of the chosen kind only: the lost items for 遗失声明, the
 * couple for 结婚启事, the announcer for 其他声明. Each block carries the classes
 * notice-kind-block and notice-kind-<kind> (NoticeAdmin). A block that already holds saved
 * rows or typed values stays visible whatever the kind, so nothing is hidden that would be
 * kept. The server ignores a block that does not fit the kind (notices.admin.KindFormSet).
 */
(function () {
  "use strict";

  function holdsData(block) {
    var initial = block.querySelector("input[name$='-INITIAL_FORMS']");
    if (initial) {
      return Number(initial.value) > 0;
    }
    return Array.prototype.some.call(
      block.querySelectorAll("input:not([type=hidden]), textarea"),
      function (field) {
        return field.value.trim() !== "";
      }
    );
  }

  function container(block) {
    return block.closest(".inline-group") || block;
  }

  function init() {
    var kind = document.getElementById("id_kind");
    if (!kind) {
      return;
    }
    var blocks = document.querySelectorAll(".notice-kind-block");
    function show() {
      Array.prototype.forEach.call(blocks, function (block) {
        var fits = block.classList.contains("notice-kind-" + kind.value);
        container(block).hidden = !fits && !holdsData(container(block));
      });
    }
    kind.addEventListener("change", show);
    show();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
