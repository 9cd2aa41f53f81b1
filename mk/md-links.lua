-- md-links.lua: links between handouts point at the HTML pages.
function Link(el)
  el.target = el.target:gsub("^([%w%-]+)%.md(#?.*)$", "%1.html%2")
  return el
end
