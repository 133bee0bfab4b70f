#include "domain/intake_document.h"

#include <gtest/gtest.h>

#include <string>

namespace rxdesk {
namespace {

using namespace std::string_literals;

const std::string kPdf = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n";
const std::string kPng = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR"s;
const std::string kJpeg = "\xFF\xD8\xFF\xE0\0\x10JFIF\0"s;
const std::string kTiffLittle = "II*\0\x08\0\0\0"s;
const std::string kTiffBig = "MM\0*\0\0\0\x08"s;

TEST(IntakeDocument, EachAcceptedTypeIsTakenWhenItsBytesMatchItsLabel) {
  const IntakePolicy policy;
  EXPECT_EQ(*CheckIntakeDocument("application/pdf", kPdf, policy), DocumentType::kPdf);
  EXPECT_EQ(*CheckIntakeDocument("image/png", kPng, policy), DocumentType::kPng);
  EXPECT_EQ(*CheckIntakeDocument("image/jpeg", kJpeg, policy), DocumentType::kJpeg);
  EXPECT_EQ(*CheckIntakeDocument("image/tiff", kTiffLittle, policy), DocumentType::kTiff);
  EXPECT_EQ(*CheckIntakeDocument("image/tiff", kTiffBig, policy), DocumentType::kTiff);
}

TEST(IntakeDocument, TheLabelIsReadWithoutParametersOrCase) {
  EXPECT_EQ(ParseDocumentType("Application/PDF; charset=binary"), DocumentType::kPdf);
  EXPECT_EQ(ParseDocumentType(" image/png "), DocumentType::kPng);
  EXPECT_EQ(ParseDocumentType("image/jpg"), std::nullopt);
  EXPECT_EQ(ParseDocumentType(""), std::nullopt);
}

TEST(IntakeDocument, APngLabelledPdfIsRefusedAsUnsupported) {
  const auto r = CheckIntakeDocument("application/pdf", kPng, IntakePolicy{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "unsupported_media_type");
}

TEST(IntakeDocument, AnUnknownTypeOrUnknownBytesAreRefused) {
  EXPECT_EQ(CheckIntakeDocument("text/plain", "hello", IntakePolicy{}).error().code, "unsupported_media_type");
  EXPECT_EQ(CheckIntakeDocument("image/gif", "GIF89a", IntakePolicy{}).error().code, "unsupported_media_type");
  EXPECT_EQ(CheckIntakeDocument("application/pdf", "<html>%PDF-", IntakePolicy{}).error().code,
            "unsupported_media_type");
  // A truncated signature is not the signature.
  EXPECT_EQ(CheckIntakeDocument("image/png", kPng.substr(0, 7), IntakePolicy{}).error().code, "unsupported_media_type");
  EXPECT_EQ(CheckIntakeDocument("image/tiff", "II*", IntakePolicy{}).error().code, "unsupported_media_type");
}

TEST(IntakeDocument, AnEmptyFileIsAnInvalidRequest) {
  const auto r = CheckIntakeDocument("application/pdf", "", IntakePolicy{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_request");
  EXPECT_EQ(r.error().field, "document");
}

TEST(IntakeDocument, ExactlyTheLimitIsTakenAndOneByteMoreIsTooLarge) {
  const IntakePolicy policy{.max_document_bytes = 64};
  const std::string at_limit = kPdf + std::string(64 - kPdf.size(), 'x');
  EXPECT_TRUE(CheckIntakeDocument("application/pdf", at_limit, policy).ok());
  const auto over = CheckIntakeDocument("application/pdf", at_limit + "x", policy);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, "payload_too_large");
}

TEST(IntakeDocument, TheSizeIsCheckedBeforeTheType) {
  const IntakePolicy policy{.max_document_bytes = 4};
  EXPECT_EQ(CheckIntakeDocument("text/plain", "hello", policy).error().code, "payload_too_large");
}

}  // namespace
}  // namespace rxdesk
