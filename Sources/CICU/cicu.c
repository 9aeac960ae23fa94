// cicu.c — implements cicu.h over the system ICU (libicuuc).
#include "cicu.h"

#include <stdlib.h>
#include <unicode/ubrk.h>
#include <unicode/unorm2.h>
#include <unicode/utypes.h>

struct cicu_breaker {
    UBreakIterator *iterator;
};

int32_t cicu_normalize(int32_t form, const uint16_t *src, int32_t length,
                       uint16_t *dst, int32_t capacity, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *normalizer =
        form == CICU_NFKC ? unorm2_getNFKCInstance(&status)
                          : unorm2_getNFCInstance(&status);
    if (U_FAILURE(status)) {
        *error = (int32_t)status;
        return 0;
    }
    int32_t written = unorm2_normalize(normalizer, (const UChar *)src, length,
                                       (UChar *)dst, capacity, &status);
    *error = status == U_BUFFER_OVERFLOW_ERROR ? 0 : (int32_t)status;
    return written;
}

static cicu_breaker *breaker_open(UBreakIteratorType type, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    UBreakIterator *iterator = ubrk_open(type, "", NULL, 0, &status);
    *error = (int32_t)status;
    if (U_FAILURE(status)) return NULL;
    cicu_breaker *breaker = malloc(sizeof *breaker);
    if (breaker == NULL) {
        ubrk_close(iterator);
        *error = (int32_t)U_MEMORY_ALLOCATION_ERROR;
        return NULL;
    }
    breaker->iterator = iterator;
    return breaker;
}

cicu_breaker *cicu_word_breaker_open(int32_t *error) {
    return breaker_open(UBRK_WORD, error);
}

cicu_breaker *cicu_sentence_breaker_open(int32_t *error) {
    return breaker_open(UBRK_SENTENCE, error);
}

void cicu_breaker_close(cicu_breaker *breaker) {
    if (breaker == NULL) return;
    ubrk_close(breaker->iterator);
    free(breaker);
}

int32_t cicu_breaker_boundaries(cicu_breaker *breaker, const uint16_t *text,
                                int32_t length, int32_t *boundaries,
                                int32_t capacity, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    ubrk_setText(breaker->iterator, (const UChar *)text, length, &status);
    if (U_FAILURE(status)) {
        *error = (int32_t)status;
        return 0;
    }
    int32_t count = 0;
    for (int32_t b = ubrk_first(breaker->iterator); b != UBRK_DONE;
         b = ubrk_next(breaker->iterator)) {
        if (count < capacity) boundaries[count] = b;
        count++;
    }
    *error = 0;
    return count;
}

const char *cicu_error_name(int32_t error) {
    return u_errorName((UErrorCode)error);
}
