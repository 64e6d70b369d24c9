#include "server/server.h"

namespace almen {

Status Serve(const Agreement&, const ServeOptions&) { return Internal("almen serve is not built yet"); }

}  // namespace almen
