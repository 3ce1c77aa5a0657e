// Reading taint spec files (simdjson DOM) into taint_spec::data. Every
// field is checked for presence and type and unknown fields are rejected,
// so a typo cannot silently drop a sink. Classes are read from every file
// first, so a language file may use a class defined in another one.
#include <simdjson.h>

#include <algorithm>
#include <system_error>

#include "analysis/line_matching.h"
#include "analysis/taint_spec.h"

namespace heimdall::analysis {

using namespace taint_detail;

taint_spec::taint_spec(std::unique_ptr<data> d) : data_(std::move(d)) {}
taint_spec::taint_spec(taint_spec&&) noexcept = default;
taint_spec& taint_spec::operator=(taint_spec&&) noexcept = default;
taint_spec::~taint_spec() = default;

namespace {

namespace fs = std::filesystem;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

struct reader {
  std::string file;
  std::string at;  // e.g. "sinks[3]"

  status error(const std::string& what) const {
    return status(errc::invalid_argument, file + (at.empty() ? "" : ": " + at) + ": " + what);
  }

  status str(std::string_view field, element v, std::string& out) const {
    std::string_view s;
    if (v.get_string().get(s) != simdjson::SUCCESS || s.empty()) {
      return error("'" + std::string(field) + "' must be a non-empty string");
    }
    out.assign(s);
    return {};
  }

  status boolean(std::string_view field, element v, bool& out) const {
    if (v.get_bool().get(out) != simdjson::SUCCESS) return error("'" + std::string(field) + "' must be a boolean");
    return {};
  }

  status strs(std::string_view field, element v, std::vector<std::string>& out) const {
    array items;
    if (v.get_array().get(items) != simdjson::SUCCESS) return error("'" + std::string(field) + "' must be an array");
    for (element item : items) {
      std::string s;
      if (status st = str(field, item, s); !st.is_ok()) return st;
      out.push_back(std::move(s));
    }
    return {};
  }

  status regex(std::string_view field, element v, std::unique_ptr<RE2>& out) const {
    std::string pattern;
    if (status st = str(field, v, pattern); !st.is_ok()) return st;
    out = std::make_unique<RE2>(pattern, latin1_options());
    if (!out->ok()) return error("'" + std::string(field) + "': bad regex: " + out->error());
    return {};
  }

  status kwarg_map(std::string_view field, element v,
                   std::vector<std::pair<std::string, std::unique_ptr<RE2>>>& out) const {
    object o;
    if (v.get_object().get(o) != simdjson::SUCCESS) return error("'" + std::string(field) + "' must be an object");
    for (auto [key, item] : o) {
      std::unique_ptr<RE2> re;
      if (status st = regex(std::string(field) + "." + std::string(key), item, re); !st.is_ok()) return st;
      out.emplace_back(std::string(key), std::move(re));
    }
    return {};
  }

  // `{"<index>": regex}` for positional arguments 0..99.
  // An array of indices 0..99 (argument positions, list elements).
  status indices(std::string_view field, element v, std::vector<int>& out) const {
    array items;
    if (v.get_array().get(items) != simdjson::SUCCESS) return error("'" + std::string(field) + "' must be an array of indices");
    for (element item : items) {
      std::int64_t n = 0;
      if (item.get_int64().get(n) != simdjson::SUCCESS || n < 0 || n > 99) {
        return error("'" + std::string(field) + "' must hold indices 0..99");
      }
      out.push_back(static_cast<int>(n));
    }
    return {};
  }

  status arg_map(std::string_view field, element v, std::vector<std::pair<int, std::unique_ptr<RE2>>>& out) const {
    std::vector<std::pair<std::string, std::unique_ptr<RE2>>> named;
    if (status st = kwarg_map(field, v, named); !st.is_ok()) return st;
    for (auto& [key, re] : named) {
      if (key.empty() || key.size() > 2 || key.find_first_not_of("0123456789") != std::string::npos) {
        return error("'" + std::string(field) + "' keys are indices 0..99");
      }
      out.emplace_back(std::stoi(key), std::move(re));
    }
    return {};
  }
};

int class_index(const taint_spec::data& d, std::string_view name) {
  for (std::size_t i = 0; i < d.classes.size(); ++i) {
    if (d.classes[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

status read_classes(reader& r, element v, taint_spec::data& d) {
  array items;
  if (v.get_array().get(items) != simdjson::SUCCESS) return r.error("'classes' must be an array");
  std::size_t n = 0;
  for (element item : items) {
    r.at = "classes[" + std::to_string(n++) + "]";
    object o;
    if (item.get_object().get(o) != simdjson::SUCCESS) return r.error("must be an object");
    vuln_class c;
    for (auto [key, field] : o) {
      status s;
      if (key == "name") {
        s = r.str(key, field, c.name);
      } else if (key == "cwe") {
        std::int64_t cwe = 0;
        if (field.get_int64().get(cwe) != simdjson::SUCCESS || cwe <= 0 || cwe > 100000) {
          s = r.error("'cwe' must be a positive integer");
        }
        c.cwe = static_cast<int>(cwe);
      } else if (key == "severity") {
        std::string name;
        s = r.str(key, field, name);
        if (s.is_ok() && !parse_severity(name, c.severity)) s = r.error("unknown severity '" + name + "'");
      } else if (key == "confidence") {
        if (field.get_double().get(c.confidence) != simdjson::SUCCESS || c.confidence < 0 || c.confidence > 1) {
          s = r.error("'confidence' must be a number from 0 to 1");
        }
      } else if (key == "title") {
        s = r.str(key, field, c.title);
      } else if (key == "remediation") {
        s = r.str(key, field, c.remediation);
      } else if (key == "local_input") {
        s = r.boolean(key, field, c.local_input);
      } else if (key == "fixed_origin_safe") {
        s = r.boolean(key, field, c.fixed_origin_safe);
      } else {
        s = r.error("unknown field '" + std::string(key) + "'");
      }
      if (!s.is_ok()) return s;
    }
    if (c.name.empty() || c.cwe == 0 || c.title.empty() || c.remediation.empty()) {
      return r.error("needs 'name', 'cwe', 'severity', 'title' and 'remediation'");
    }
    if (class_index(d, c.name) >= 0) return r.error("duplicate class '" + c.name + "'");
    if (d.classes.size() >= 32) return r.error("more than 32 classes");
    c.bit = 1u << d.classes.size();
    if (c.fixed_origin_safe) d.fixed_origin_classes |= c.bit;
    d.classes.push_back(std::move(c));
  }
  return {};
}

status read_sink(reader& r, element v, const taint_spec::data& d, bool assign, sink_rule& out) {
  object o;
  if (v.get_object().get(o) != simdjson::SUCCESS) return r.error("must be an object");
  out.cls = -1;
  for (auto [key, field] : o) {
    status s;
    if (key == "id") {
      s = r.str(key, field, out.id);
    } else if (key == "class") {
      std::string name;
      s = r.str(key, field, name);
      out.cls = class_index(d, name);
      if (s.is_ok() && out.cls < 0) s = r.error("unknown class '" + name + "'");
    } else if (key == "callee" && !assign) {
      s = r.regex(key, field, out.callee);
    } else if (key == "not_callee" && !assign) {
      s = r.regex(key, field, out.not_callee);
    } else if (key == "receiver" && !assign) {
      s = r.boolean(key, field, out.receiver);
    } else if (key == "proof_only" && !assign) {
      s = r.boolean(key, field, out.proof_only);
    } else if (key == "always" && !assign) {
      s = r.boolean(key, field, out.always);
    } else if (key == "literal" && !assign) {
      s = r.regex(key, field, out.literal);
    } else if (key == "literal_keys" && !assign) {
      s = r.regex(key, field, out.literal_keys);
    } else if (key == "target" && assign) {
      s = r.regex(key, field, out.target);
    } else if (key == "value" && assign) {
      s = r.regex(key, field, out.value);
    } else if (key == "args" && !assign) {
      s = r.indices(key, field, out.args);
      out.keywords_only = s.is_ok() && out.args.empty();
    } else if (key == "elements" && !assign) {
      s = r.indices(key, field, out.elements);
      if (s.is_ok() && out.elements.empty()) s = r.error("'elements' must name at least one element");
    } else if (key == "require_element" && !assign) {
      s = r.arg_map(key, field, out.require_element);
    } else if (key == "kwargs" && !assign) {
      s = r.strs(key, field, out.kwargs);
    } else if (key == "require_kwarg" && !assign) {
      s = r.kwarg_map(key, field, out.require_kwarg);
    } else if (key == "unless_kwarg" && !assign) {
      s = r.kwarg_map(key, field, out.unless_kwarg);
    } else if (key == "require_arg" && !assign) {
      s = r.arg_map(key, field, out.require_arg);
    } else if (key == "unless_arg" && !assign) {
      s = r.arg_map(key, field, out.unless_arg);
    } else {
      s = r.error("unknown field '" + std::string(key) + "'");
    }
    if (!s.is_ok()) return s;
  }
  if (out.id.empty()) return r.error("missing 'id'");
  if (out.cls < 0) return r.error("missing 'class'");
  if (!assign && !out.callee) return r.error("missing 'callee'");
  if (assign && !out.target) return r.error("missing 'target'");
  if (out.literal_keys && !out.literal) return r.error("'literal_keys' needs 'literal'");
  return {};
}

status read_param_type(reader& r, element v, language_spec& spec) {
  object o;
  if (v.get_object().get(o) != simdjson::SUCCESS) return r.error("must be an object");
  param_type_rule rule;
  for (auto [key, field] : o) {
    status s;
    if (key == "type") {
      s = r.regex(key, field, rule.type);
    } else if (key == "path") {
      s = r.str(key, field, rule.path);
    } else {
      s = r.error("unknown field '" + std::string(key) + "'");
    }
    if (!s.is_ok()) return s;
  }
  if (!rule.type || rule.path.empty()) return r.error("needs 'type' and 'path'");
  spec.param_types.push_back(std::move(rule));
  return {};
}

template <class F>
status each(reader& r, std::string_view name, element v, F&& f) {
  array items;
  if (v.get_array().get(items) != simdjson::SUCCESS) return r.error("'" + std::string(name) + "' must be an array");
  std::size_t n = 0;
  for (element item : items) {
    r.at = std::string(name) + "[" + std::to_string(n++) + "]";
    if (status s = f(item); !s.is_ok()) return s;
  }
  r.at.clear();
  return {};
}

status read_language_spec(reader& r, object o, taint_spec::data& d) {
  auto spec = std::make_unique<language_spec>();
  std::vector<language> langs;
  for (auto [key, field] : o) {
    status s;
    r.at.clear();
    if (key == "classes" || key == "description") {
      continue;
    } else if (key == "languages") {
      std::vector<std::string> names;
      s = r.strs(key, field, names);
      for (const std::string& n : names) {
        language lang = language_from_name(n);
        if (lang == language::unknown) return r.error("unknown language '" + n + "'");
        langs.push_back(lang);
      }
    } else if (key == "sources") {
      s = each(r, key, field, [&](element item) -> status {
        object so;
        if (item.get_object().get(so) != simdjson::SUCCESS) return r.error("must be an object");
        source_rule src;
        for (auto [k, f] : so) {
          status fs;
          if (k == "path") {
            fs = r.regex(k, f, src.path);
          } else if (k == "label") {
            fs = r.str(k, f, src.label);
          } else if (k == "kind") {
            std::string kind;
            fs = r.str(k, f, kind);
            if (fs.is_ok() && kind != "request" && kind != "local") fs = r.error("'kind' is request or local");
            src.request = kind == "request";
          } else if (k == "object") {
            fs = r.boolean(k, f, src.object);
          } else if (k == "global") {
            fs = r.regex(k, f, src.global);
          } else {
            fs = r.error("unknown field '" + std::string(k) + "'");
          }
          if (!fs.is_ok()) return fs;
        }
        if (!src.path || src.label.empty()) return r.error("needs 'path' and 'label'");
        spec->sources.push_back(std::move(src));
        return {};
      });
    } else if (key == "sinks" || key == "assign_sinks") {
      bool assign = key == "assign_sinks";
      s = each(r, key, field, [&](element item) -> status {
        sink_rule sink;
        if (status fs = read_sink(r, item, d, assign, sink); !fs.is_ok()) return fs;
        (assign ? spec->assign_sinks : spec->sinks).push_back(std::move(sink));
        return {};
      });
    } else if (key == "sanitizers") {
      s = each(r, key, field, [&](element item) -> status {
        object so;
        if (item.get_object().get(so) != simdjson::SUCCESS) return r.error("must be an object");
        sanitizer_rule san;
        for (auto [k, f] : so) {
          status fs;
          if (k == "callee") {
            fs = r.regex(k, f, san.callee);
          } else if (k == "arg0") {
            fs = r.regex(k, f, san.arg0);
          } else if (k == "keyword_args") {
            fs = r.boolean(k, f, san.keyword_args);
          } else if (k == "first_only") {
            fs = r.boolean(k, f, san.first_only);
          } else if (k == "classes") {
            std::vector<std::string> names;
            fs = r.strs(k, f, names);
            for (const std::string& n : names) {
              int c = class_index(d, n);
              if (c < 0) return r.error("unknown class '" + n + "'");
              san.classes |= d.classes[c].bit;
            }
          } else {
            fs = r.error("unknown field '" + std::string(k) + "'");
          }
          if (!fs.is_ok()) return fs;
        }
        if (!san.callee) return r.error("missing 'callee'");
        spec->sanitizers.push_back(std::move(san));
        return {};
      });
    } else if (key == "route_decorator") {
      s = r.regex(key, field, spec->route_decorator);
    } else if (key == "html_route_decorator") {
      s = r.regex(key, field, spec->html_route_decorator);
    } else if (key == "html_return_class") {
      std::string name;
      s = r.str(key, field, name);
      spec->html_return_class = class_index(d, name);
      if (s.is_ok() && spec->html_return_class < 0) s = r.error("unknown class '" + name + "'");
    } else if (key == "mutators") {
      s = r.regex(key, field, spec->mutators);
    } else if (key == "reorderers") {
      s = r.regex(key, field, spec->reorderers);
    } else if (key == "clean_params") {
      s = r.strs(key, field, spec->clean_params);
    } else if (key == "clean_param_default") {
      s = r.regex(key, field, spec->clean_param_default);
    } else if (key == "constant_route_path") {
      s = r.regex(key, field, spec->constant_route_path);
    } else if (key == "request_param") {
      s = r.regex(key, field, spec->request_param);
    } else if (key == "handler_function") {
      s = r.regex(key, field, spec->handler_function);
    } else if (key == "fillers") {
      s = r.regex(key, field, spec->fillers);
    } else if (key == "source_text") {
      s = r.regex(key, field, spec->source_text);
    } else if (key == "summary_text") {
      s = r.regex(key, field, spec->summary_text);
    } else if (key == "sink_text") {
      s = r.regex(key, field, spec->sink_text);
    } else if (key == "handler_proofs") {
      s = r.boolean(key, field, spec->handler_proofs);
    } else if (key == "param_types") {
      s = each(r, key, field, [&](element item) -> status { return read_param_type(r, item, *spec); });
    } else {
      s = r.error("unknown field '" + std::string(key) + "'");
    }
    if (!s.is_ok()) return s;
  }
  r.at.clear();
  if (spec->summary_text && !spec->source_text) return r.error("'summary_text' needs 'source_text'");
  if (spec->sink_text && !spec->source_text) return r.error("'sink_text' needs 'source_text'");
  if (spec->source_text && !spec->sink_text) {
    for (const sink_rule& sink : spec->sinks) {
      if (sink.always || sink.literal) {
        return r.error("sink '" + sink.id + "' needs no source: no 'source_text' with it but beside 'sink_text'");
      }
    }
  }
  if (langs.empty()) {
    if (spec->sources.empty() && spec->sinks.empty() && spec->sanitizers.empty()) return {};  // classes only
    return r.error("missing 'languages'");
  }
  for (language lang : langs) {
    if (d.by_language.count(lang)) return r.error("language '" + std::string(language_name(lang)) + "' is defined twice");
    d.by_language[lang] = spec.get();
  }
  d.specs.push_back(std::move(spec));
  return {};
}

}  // namespace

result<taint_spec> load_taint_spec(const std::filesystem::path& dir_or_file) {
  std::error_code ec;
  std::vector<fs::path> files;
  if (fs::is_directory(dir_or_file, ec)) {
    for (const auto& entry : fs::directory_iterator(dir_or_file, ec)) {
      if (entry.path().extension() == ".json" && entry.is_regular_file(ec)) files.push_back(entry.path());
    }
    if (ec) return status(errc::io_error, dir_or_file.string() + ": " + ec.message());
    std::sort(files.begin(), files.end());
  } else if (fs::exists(dir_or_file, ec)) {
    files.push_back(dir_or_file);
  } else {
    return status(errc::not_found, dir_or_file.string() + ": no such taint spec file or directory");
  }

  auto d = std::make_unique<taint_spec::data>();
  std::vector<simdjson::padded_string> texts(files.size());
  std::vector<simdjson::dom::parser> parsers(files.size());
  std::vector<object> roots(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    reader r{files[i].filename().string(), ""};
    if (simdjson::padded_string::load(files[i].string()).get(texts[i]) != simdjson::SUCCESS) {
      return status(errc::io_error, files[i].string() + ": cannot read");
    }
    element root;
    if (parsers[i].parse(texts[i]).get(root) != simdjson::SUCCESS || root.get_object().get(roots[i]) != simdjson::SUCCESS) {
      return r.error("not a JSON object");
    }
    element classes;
    if (roots[i]["classes"].get(classes) == simdjson::SUCCESS) {
      if (status s = read_classes(r, classes, *d); !s.is_ok()) return s;
    }
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    reader r{files[i].filename().string(), ""};
    if (status s = read_language_spec(r, roots[i], *d); !s.is_ok()) return s;
  }
  if (d->by_language.empty()) {
    return status(errc::invalid_argument, dir_or_file.string() + ": no taint spec file defines a language");
  }
  return taint_spec(std::move(d));
}

}  // namespace heimdall::analysis
