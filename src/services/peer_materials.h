// A peer platform's licence as an item's `licence` material (issue 14 item 3): where the catalogue
// says a licence material accepts licences from peers (`accepts_from_peers: true`, only on a
// `source: licence` material), the applicant (or the clerk at the window) presents the licence's
// credential, issued by a federation peer, instead of the platform fetching one of ours.
//
// The credential is verified as POST /api/v1/verify verifies it (services/mutual_recognition.h:
// the peer's cached list, its status list as cached) and must be valid, a peer's (ours are fetched
// at submission as always), a credential (the whole signed document; a QR token or a presentation
// shows too little), of the material's licence type, and held by the application's subject (its
// credentialSubject id the person's ID number or the enterprise's credit code). The material is
// then recorded as fetched, with the verified licence as its provenance: the licence id, the
// issuer (urn:tongban:<peer>:issuer:<department>), "valid" and when it was verified; submission
// keeps it (a fetched material is not fetched again). One write through the application's
// workflow rules (an editable application, the applicant's or a clerk's standing) and an event
// "peer_licence" on its timeline.
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <string>

#include "domain/application.h"
#include "services/context.h"
#include "services/verification.h"

namespace tongban::services {

// kNotFound (error.application.not_found, error.material.not_found); kPermissionDenied
// (error.application.not_applicant); kConflict (error.application.not_editable); kInvalidArgument
// with the field "token": error.material.no_peer_licence (the material does not accept peers'
// licences), error.material.peer_licence_ours (a licence of this platform: it is fetched),
// error.material.peer_licence_invalid (not valid: unknown issuer, a removed peer, suspended...; the
// detail is the verification's status), error.material.peer_licence_kind (not a credential),
// error.material.peer_licence_type (another licence type), error.material.peer_licence_holder
// (someone else's).
Result<domain::Application> AttachPeerLicence(const Context& ctx, const PeerStatusCache& cache, const Actor& actor,
                                              const std::string& id, const std::string& material,
                                              const std::string& token);

}  // namespace tongban::services
