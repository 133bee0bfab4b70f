#include "domain/intake_document.h"

#include <array>
#include <cctype>
#include <string>

namespace rxdesk {
namespace {

struct Known {
  DocumentType type;
  std::string_view media_type;
};

constexpr std::array<Known, 4> kKnown = {{{DocumentType::kPdf, "application/pdf"},
                                          {DocumentType::kPng, "image/png"},
                                          {DocumentType::kJpeg, "image/jpeg"},
                                          {DocumentType::kTiff, "image/tiff"}}};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view ToString(DocumentType type) {
  for (const Known& k : kKnown) {
    if (k.type == type) return k.media_type;
  }
  return "application/octet-stream";
}

std::optional<DocumentType> ParseDocumentType(std::string_view content_type) {
  const std::string_view media = Trim(content_type.substr(0, content_type.find(';')));
  std::string lower(media);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const Known& k : kKnown) {
    if (k.media_type == lower) return k.type;
  }
  return std::nullopt;
}

std::optional<DocumentType> SniffDocumentType(std::string_view bytes) {
  using namespace std::string_view_literals;
  if (bytes.starts_with("%PDF-"sv)) return DocumentType::kPdf;
  if (bytes.starts_with("\x89PNG\r\n\x1a\n"sv)) return DocumentType::kPng;
  if (bytes.starts_with("\xFF\xD8\xFF"sv)) return DocumentType::kJpeg;
  if (bytes.starts_with("II*\0"sv) || bytes.starts_with("MM\0*"sv)) return DocumentType::kTiff;
  return std::nullopt;
}

Result<DocumentType> CheckIntakeDocument(std::string_view declared_type, std::string_view bytes,
                                         const IntakePolicy& policy) {
  if (bytes.empty()) return InvalidField("document", "the request body must be the scanned document");
  if (bytes.size() > policy.max_document_bytes) {
    return MakeError("payload_too_large",
                     "the document is larger than " + std::to_string(policy.max_document_bytes) + " bytes");
  }
  const std::optional<DocumentType> declared = ParseDocumentType(declared_type);
  if (!declared) {
    return MakeError("unsupported_media_type",
                     "send the document as application/pdf, image/png, image/jpeg or image/tiff");
  }
  if (SniffDocumentType(bytes) != declared) {
    return MakeError("unsupported_media_type", "the document's content is not " + std::string(ToString(*declared)));
  }
  return *declared;
}

}  // namespace rxdesk
