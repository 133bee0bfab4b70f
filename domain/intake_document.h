// Scanned prescriptions received by fax or mail (PRODUCT.md §7 "Fax and mail
// intake"): which files are accepted, judged by their bytes, not by their label.
//
//   RXD_ASSIGN_OR_RETURN(DocumentType type, CheckIntakeDocument("image/png", bytes, IntakePolicy{}));
//   ToString(type);  // "image/png": the type stored and served back with the document
//
// A fax server or a scanner names its output; the name may be wrong and a file
// served back with a wrong type is an attack surface, so the declared type must
// match the file's magic number.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "domain/result.h"

namespace rxdesk {

enum class DocumentType { kPdf, kPng, kJpeg, kTiff };

// "application/pdf", "image/png", "image/jpeg", "image/tiff".
std::string_view ToString(DocumentType type);
// The media type of a Content-Type header value ("image/png; x=y" reads as image/png,
// case-insensitive); nullopt for any other type.
std::optional<DocumentType> ParseDocumentType(std::string_view content_type);
// The type the bytes' magic number shows: %PDF-, the 8-byte PNG signature, FF D8 FF,
// or TIFF's II*\0 / MM\0*; nullopt for anything else.
std::optional<DocumentType> SniffDocumentType(std::string_view bytes);

struct IntakePolicy {
  // The largest document accepted, in bytes (config intake.max_document_bytes). Not in
  // PRODUCT.md: a faxed page at 200 dpi is ~50–100 KB, so a few pages fit in the
  // default, which is also the server's request limit (server.max_body_bytes).
  std::size_t max_document_bytes = 1 << 20;
};

// The document's type when it may be taken in. Refusal, first that applies:
// invalid_request (field `document`) for an empty file; payload_too_large past
// max_document_bytes; unsupported_media_type when the declared type is not one of
// the four, or the bytes are not a file of the declared type.
Result<DocumentType> CheckIntakeDocument(std::string_view declared_type, std::string_view bytes,
                                         const IntakePolicy& policy);

}  // namespace rxdesk
