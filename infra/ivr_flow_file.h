// Reading an IVR flow (domain/ivr.h) from its TOML file. docs/contact-center.md
// ("IVR menus") describes the format; docs/examples/ivr-main.toml is the main
// line's flow, the same one MainLineFlow() compiles in.
//
//   RXD_ASSIGN_OR_RETURN(IvrFlow flow, LoadIvrFlowFile("/etc/rxdesk/ivr-main.toml"));
//
// Every problem is config_invalid naming the file, its line and the part
// ("ivr-main.toml:22: menus.main.options[5].goto must name a menu").
#pragma once

#include <string>
#include <string_view>

#include "domain/ivr.h"
#include "domain/result.h"

namespace rxdesk {

// Parses and validates (ValidateIvrFlow) a flow; `origin` names it in errors.
// Unknown keys are refused, so a typo never silently drops a menu key. Messages
// the file leaves out are MainLineFlow()'s.
Result<IvrFlow> ParseIvrFlow(std::string_view toml_text, const std::string& origin);
// The same for a file. Refusal: config_invalid (also for an unreadable file).
Result<IvrFlow> LoadIvrFlowFile(const std::string& path);

}  // namespace rxdesk
