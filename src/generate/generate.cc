#include "generate/generate.h"

namespace almen {

Status Generate(const GenerateOptions&, GenerateSummary*) { return Internal("almen generate is not built yet"); }

}  // namespace almen
