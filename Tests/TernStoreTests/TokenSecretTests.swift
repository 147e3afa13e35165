import Foundation
import Testing

@testable import TernStore

@Suite struct TokenSecretTests {
    @Test func tokensHaveTheFlpSchemeAndFortyThreeBase62Characters() {
        let token = TokenSecret.generate()
        #expect(token.hasPrefix("flp_"))
        let random = token.dropFirst(4)
        #expect(random.count == 43)
        #expect(random.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        #expect(TokenSecret.isWellFormed(token))
    }

    @Test func tokensAreDistinctAndUniformOverTheAlphabet() {
        let tokens = (0..<1000).map { _ in TokenSecret.generate() }
        #expect(Set(tokens).count == tokens.count)
        var counts: [Character: Int] = [:]
        for token in tokens {
            for character in token.dropFirst(4) { counts[character, default: 0] += 1 }
        }
        // 43,000 draws over 62 symbols: about 694 each, standard deviation about 26.
        // A bias as small as one symbol in 62 missing, or any fixed pattern, falls outside these bounds.
        #expect(counts.count == 62)
        for (character, count) in counts {
            #expect((500...900).contains(count), "symbol \(character) drawn \(count) times")
        }
    }

    @Test func displayPrefixIsTheSchemeAndSixCharacters() {
        let token = TokenSecret.generate()
        let prefix = TokenSecret.displayPrefix(of: token)
        #expect(prefix.count == 10)
        #expect(token.hasPrefix(prefix))
    }

    @Test func malformedCredentialsAreRecognized() {
        #expect(!TokenSecret.isWellFormed(""))
        #expect(!TokenSecret.isWellFormed("flp_"))
        #expect(!TokenSecret.isWellFormed("sk-abcdef"))
        #expect(!TokenSecret.isWellFormed("flp_abc-def"))
        #expect(!TokenSecret.isWellFormed("flp_" + String(repeating: "a", count: 300)))
        #expect(TokenSecret.isWellFormed("flp_abc123XYZ"))
    }

    @Test func hashIsSHA256OfTheToken() {
        // SHA-256("abc"), FIPS 180-2 test vector.
        let expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        #expect(TokenSecret.hash("abc").map { String(format: "%02x", $0) }.joined() == expected)
    }

    @Test func constantTimeEqualsComparesEveryByte() {
        let hash = TokenSecret.hash("flp_one")
        var lastByteDiffers = hash
        lastByteDiffers[lastByteDiffers.count - 1] ^= 1
        var firstByteDiffers = hash
        firstByteDiffers[0] ^= 0x80
        #expect(TokenSecret.constantTimeEquals(hash, Data(hash)))
        #expect(!TokenSecret.constantTimeEquals(hash, lastByteDiffers))
        #expect(!TokenSecret.constantTimeEquals(hash, firstByteDiffers))
        #expect(!TokenSecret.constantTimeEquals(hash, hash.dropLast()))
    }

    @Test func bearerCredentialIsReadFromTheAuthorizationHeader() {
        #expect(BearerCredential.token(fromAuthorization: "Bearer flp_abc") == "flp_abc")
        #expect(BearerCredential.token(fromAuthorization: "bearer   flp_abc  ") == "flp_abc")
        #expect(BearerCredential.token(fromAuthorization: "Basic dXNlcjpwYXNz") == nil)
        #expect(BearerCredential.token(fromAuthorization: "Bearer") == nil)
        #expect(BearerCredential.token(fromAuthorization: "Bearer   ") == nil)
        #expect(BearerCredential.token(fromAuthorization: "Bearerflp_abc") == nil)
        #expect(BearerCredential.token(fromAuthorization: nil) == nil)
    }
}
