-- md-links.lua: the links of the HTML pages (mk/html.sh).  A link to a
-- handout goes to its page, a link to the README to README.html; any other
-- relative link to a file of the workbook goes to that file, by its path
-- under workbook_root (set by mk/html.sh).
local root = ""

local function meta(m)
  if m.workbook_root then
    root = pandoc.utils.stringify(m.workbook_root)
  end
end

local function link(el)
  local t = el.target
  if t:match("^%a[%w+.-]*:") or t:match("^#") then
    return el                                   -- a URL, or within the page
  end
  local handout, anchor = t:match("^[%./]*handouts/([%w%-]+)%.md(#?.*)$")
  if not handout then
    handout, anchor = t:match("^([%w%-]+)%.md(#?.*)$")
  end
  if handout and handout ~= "README" then
    el.target = handout .. ".html" .. anchor
  elseif t:match("^[%./]*README%.md#?") then
    el.target = "README.html" .. (t:match("(#.*)$") or "")
  else
    el.target = "file://" .. root .. "/" .. t:gsub("^%./", ""):gsub("^%.%./", "")
  end
  return el
end

return { { Meta = meta }, { Link = link } }
