#!/usr/bin/env python3
# Writes docs/openapi.json, the OpenAPI 3.1 description of the API (docs/api.md). Edit this file, run it,
# commit both; tests/api/openapi.test.mjs checks the document against the routes the server has.
import json
import os
ref = lambda n: {"$ref": f"#/components/schemas/{n}"}
def err(*codes):
    return {str(c): {"$ref": f"#/components/responses/E{c}"} for c in codes}
def ok(schema, code="200", desc="OK"):
    return {code: {"description": desc, "content": {"application/json": {"schema": schema}}}}
def listof(n):
    return {"type": "object", "required": ["items", "next_page_token"], "properties": {"items": {"type": "array", "items": ref(n)}, "next_page_token": {"type": ["string", "null"]}}}
idp = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
codep = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
q = lambda n, d: {"name": n, "in": "query", "required": False, "schema": {"type": "string"}, "description": d}
sec = [{"bearer": []}, {"cookie": []}]
paths = {
 "/api/v1/departments": {"get": {"summary": "Departments", "operationId": "listDepartments", "responses": ok(listof("Department"))}},
 "/api/v1/districts": {"get": {"summary": "Districts", "operationId": "listDistricts", "responses": ok(listof("District"))}},
 "/api/v1/service-centres": {"get": {"summary": "Service centres", "operationId": "listServiceCentres", "responses": ok(listof("ServiceCentre"))}},
 "/api/v1/items": {"get": {"summary": "Search service items in Chinese or English", "operationId": "listItems",
   "parameters": [q("q", "words in Chinese or English"), q("department", "department code"), q("district", "district code"), q("page_token", "from next_page_token"), q("page_size", "1-100")],
   "responses": {**ok(listof("ServiceItem")), **err(400)}}},
 "/api/v1/items/{code}": {"get": {"summary": "One service item", "operationId": "getItem", "parameters": [codep], "responses": {**ok(ref("ServiceItem")), **err(404)}}},
 "/api/v1/bundles": {"get": {"summary": "Bundles (一件事)", "operationId": "listBundles", "responses": ok(listof("Bundle"))}},
 "/api/v1/bundles/{code}": {"get": {"summary": "One bundle", "operationId": "getBundle", "parameters": [codep], "responses": {**ok(ref("Bundle")), **err(404)}}},
 "/api/v1/session": {
   "post": {"summary": "Sign in", "operationId": "createSession", "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "required": ["username", "password"], "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}}}},
            "responses": {**ok({"type": "object", "required": ["token", "user"], "properties": {"token": {"type": "string"}, "csrf_token": {"type": "string"}, "expires_at": {"type": "string", "format": "date-time"}, "user": ref("User")}}), **err(400, 401, 429)}},
   "delete": {"summary": "Sign out", "operationId": "deleteSession", "security": sec, "responses": {"204": {"description": "Signed out"}, **err(401, 403)}}},
 "/api/v1/me": {"get": {"summary": "The signed-in user, with the enterprises they may act for", "operationId": "getMe", "security": sec, "responses": {**ok(ref("User")), **err(401)}}},
 "/api/v1/applications": {
   "post": {"summary": "Apply (or save a draft)", "operationId": "createApplication", "security": sec,
            "requestBody": {"required": True, "content": {"application/json": {"schema": ref("CreateApplication")}}},
            "responses": {**ok(ref("Application"), "201", "Created"), **err(400, 401, 403, 404, 413)}},
   "get": {"summary": "An applicant's own applications, or an official's queue", "operationId": "listApplications", "security": sec,
           "parameters": [q("state", "filter by state"), q("item", "filter by item code"), q("enterprise", "an agent: this enterprise's applications"), q("page_token", "from next_page_token"), q("page_size", "1-100")],
           "responses": {**ok(listof("Application")), **err(400, 401, 403)}}},
 "/api/v1/applications/{id}": {
   "get": {"summary": "One application", "operationId": "getApplication", "security": sec, "parameters": [idp], "responses": {**ok(ref("Application")), **err(401, 404)}},
   "patch": {"summary": "Replace the fields of a draft or of an application waiting for correction", "operationId": "updateApplication", "security": sec, "parameters": [idp],
             "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "required": ["fields"], "properties": {"fields": {"type": "object"}}}}}},
             "responses": {**ok(ref("Application")), **err(400, 401, 403, 404, 409)}}},
 "/api/v1/applications/{id}/events": {"get": {"summary": "The history: every transition with actor, channel, time and reason", "operationId": "listEvents", "security": sec, "parameters": [idp], "responses": {**ok(listof("Event")), **err(401, 404)}}},
 "/api/v1/applications/{id}/actions/{action}": {"post": {"summary": "Take a workflow action", "operationId": "actOnApplication", "security": sec,
   "parameters": [idp, {"name": "action", "in": "path", "required": True, "schema": {"type": "string", "enum": ["submit", "accept", "reject", "request-correction", "resubmit", "approve", "refuse", "deliver", "complete", "withdraw"]}}],
   "requestBody": {"required": False, "content": {"application/json": {"schema": {"type": "object", "properties": {"reason": {"type": "string", "maxLength": 2000}, "channel": ref("Channel"), "in_person": {"type": "boolean", "description": "request-correction: ask for presence; refused for fully online items"}, "fields": {"type": "object"}}}}}},
   "responses": {**ok(ref("Application")), **err(400, 401, 403, 404, 409)}}},
 "/api/v1/applications/{id}/materials/{code}": {
   "put": {"summary": "Upload a material (PDF, JPEG or PNG, judged by content; 10 MB at most)", "operationId": "uploadMaterial", "security": sec, "parameters": [idp, codep, {"name": "X-File-Name", "in": "header", "required": False, "schema": {"type": "string"}, "description": "percent-encoded file name"}],
           "requestBody": {"required": True, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
           "responses": {**ok(ref("Application")), **err(400, 401, 403, 404, 409, 413)}},
   "get": {"summary": "Download an uploaded material", "operationId": "downloadMaterial", "security": sec, "parameters": [idp, codep],
           "responses": {"200": {"description": "The file", "content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}}}, **err(401, 404)}}},
 "/api/v1/enterprises/{code}/agents/{username}": {"put": {"summary": "An enterprise administrator sets an agent's rights", "operationId": "setAgentRights", "security": sec,
   "parameters": [codep, {"name": "username", "in": "path", "required": True, "schema": {"type": "string"}}],
   "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "properties": {"may_apply": {"type": "boolean"}, "may_withdraw": {"type": "boolean"}, "items": {"type": "array", "items": {"type": "string"}, "description": "item codes; empty: every item"}}}}}},
   "responses": {**ok({"type": "object", "properties": {"enterprise": {"type": "string"}, "username": {"type": "string"}, "may_apply": {"type": "boolean"}, "may_withdraw": {"type": "boolean"}, "items": {"type": "array", "items": {"type": "string"}}}}), **err(400, 401, 403, 404)}}},
 "/api/v1/openapi.json": {"get": {"summary": "This document", "operationId": "getOpenApi", "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}}}},
}
text = {"type": "object", "required": ["zh", "en"], "properties": {"zh": {"type": "string"}, "en": {"type": "string"}}}
schemas = {
 "LocalText": text,
 "Channel": {"type": "string", "enum": ["web", "mobile", "kiosk", "window"]},
 "State": {"type": "string", "enum": ["draft", "submitted", "accepted", "not_accepted", "correction_requested", "under_review", "approved", "refused", "delivered", "completed", "withdrawn"]},
 "Department": {"type": "object", "required": ["code", "name"], "properties": {"code": {"type": "string"}, "name": ref("LocalText")}},
 "District": {"type": "object", "required": ["code", "name"], "properties": {"code": {"type": "string"}, "name": ref("LocalText")}},
 "ServiceCentre": {"type": "object", "required": ["code", "name", "district", "level"], "properties": {"code": {"type": "string"}, "name": ref("LocalText"), "district": {"type": "string"}, "level": {"type": "string", "enum": ["district", "community"]}, "address": ref("LocalText"), "opening_hours": ref("LocalText"), "phone": {"type": "string", "description": "as printed for people, e.g. 021-12345678"}}},
 "Material": {"type": "object", "required": ["code", "name", "source"], "properties": {"code": {"type": "string"}, "name": ref("LocalText"), "source": {"type": "string", "enum": ["shared_data", "licence", "upload"]}, "required": {"type": "boolean"}, "dataset": {"type": "string"}}},
 "Field": {"type": "object", "required": ["name", "label", "type", "required"], "properties": {"name": {"type": "string"}, "label": ref("LocalText"), "hint": ref("LocalText"), "type": {"type": "string", "enum": ["text", "number", "date", "select", "boolean", "id_number", "credit_code", "phone", "email", "address"]}, "required": {"type": "boolean"}, "options": {"type": "array", "items": {"type": "object", "properties": {"value": {"type": "string"}, "label": ref("LocalText")}}}, "min": {"type": "number"}, "max": {"type": "number"}, "pattern": {"type": "string"}, "source": {"type": "string", "enum": ["shared_data", "licence"]}, "dataset": {"type": "string"}}},
 "ServiceItem": {"type": "object", "required": ["code", "name", "department", "fully_online", "instant", "on_the_spot", "legal_limit_days", "promised_limit_days", "materials", "fields"],
   "properties": {"code": {"type": "string"}, "name": ref("LocalText"), "description": ref("LocalText"), "department": {"type": "string"}, "legal_basis": {"type": "string"}, "applicant": {"type": "string", "enum": ["person", "enterprise"]}, "instant": {"type": "boolean"}, "fully_online": {"type": "boolean"}, "on_the_spot": {"type": "boolean"}, "legal_limit_days": {"type": "integer"}, "promised_limit_days": {"type": "integer"}, "channels": {"type": "array", "items": ref("Channel")}, "materials": {"type": "array", "items": ref("Material")}, "fields": {"type": "array", "items": ref("Field")}, "fee": ref("LocalText"), "version": {"type": "integer"}, "standard_code": {"type": ["string", "null"], "description": "the item's code in the national catalogue (事项编码, GB/T 39554.1); null where the catalogue has none"}, "legal_texts": {"type": "array", "description": "where the text of a law cited in legal_basis is published", "items": {"type": "object", "required": ["title", "url"], "properties": {"title": {"type": "string"}, "url": {"type": "string", "format": "uri"}}}}, "service_centres": {"type": "array", "items": {"type": "string"}, "description": "codes of the service centres where the item can be done in person (address, opening hours and phone in /api/v1/service-centres); empty without the window channel"}}},
 "Bundle": {"type": "object", "required": ["code", "name", "items"], "properties": {"code": {"type": "string"}, "name": ref("LocalText"), "description": ref("LocalText"), "items": {"type": "array", "items": {"type": "string"}}, "routing": {"type": "string", "enum": ["parallel", "sequential"]}, "industry_licence": {"type": "string"}}},
 "User": {"type": "object", "required": ["id", "kind", "roles"], "properties": {"id": {"type": "string"}, "username": {"type": "string"}, "kind": {"type": "string", "enum": ["person", "official"]}, "roles": {"type": "array", "items": {"type": "string", "enum": ["citizen", "enterprise_agent", "clerk", "reviewer", "data_owner", "supervisor", "admin"]}}, "name": {"type": "string"}, "department": {"type": "string"}, "centre": {"type": "string"}, "person_id": {"type": "string"}, "enterprises": {"type": "array", "items": {"type": "object", "properties": {"code": {"type": "string"}, "may_apply": {"type": "boolean"}, "may_withdraw": {"type": "boolean"}, "items": {"type": "array", "items": {"type": "string"}}}}}}},
 "CreateApplication": {"type": "object", "properties": {"item": {"type": "string"}, "bundle": {"type": "string", "description": "bundles are accepted in a later release"}, "channel": ref("Channel"), "fields": {"type": "object"}, "on_behalf_of": {"type": "string", "description": "clerks: the person's resident id"}, "enterprise": {"type": "string", "description": "agents: the enterprise's credit code"}, "draft": {"type": "boolean", "description": "save without submitting"}}},
 "AttachedMaterial": {"type": "object", "required": ["code", "status"], "properties": {"code": {"type": "string"}, "status": {"type": "string", "enum": ["provided", "to_be_fetched", "missing"]}, "content_type": {"type": "string"}, "file_name": {"type": "string"}, "size": {"type": "integer"}, "sha256": {"type": "string"}}},
 "Application": {"type": "object", "required": ["id", "item", "state", "deadline"], "properties": {"id": {"type": "string"}, "item": {"type": "string"}, "department": {"type": "string"}, "state": ref("State"), "channel": ref("Channel"), "applicant": {"type": "object", "properties": {"user_id": {"type": "string"}, "person_id": {"type": "string"}, "enterprise": {"type": "string"}}}, "centre": {"type": "string"}, "fields": {"type": "object", "additionalProperties": {"type": "string"}}, "materials": {"type": "array", "items": ref("AttachedMaterial")}, "created_at": {"type": "string", "format": "date-time"}, "updated_at": {"type": "string", "format": "date-time"}, "submitted_at": {"type": ["string", "null"], "format": "date-time"}, "deadline": {"type": ["string", "null"], "format": "date"}, "overdue": {"type": "boolean"}, "version": {"type": "integer"}}},
 "Event": {"type": "object", "required": ["seq", "action", "from", "to", "actor", "channel", "time", "reason"], "properties": {"id": {"type": "string"}, "seq": {"type": "integer"}, "action": {"type": "string"}, "from": ref("State"), "to": ref("State"), "actor": {"type": "string"}, "actor_role": {"type": "string", "enum": ["applicant", "clerk", "reviewer"]}, "channel": ref("Channel"), "time": {"type": "string", "format": "date-time"}, "reason": {"type": "string"}}},
 "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message", "request_id"], "properties": {"code": {"type": "string", "enum": ["invalid_argument", "unauthenticated", "permission_denied", "not_found", "conflict", "payload_too_large", "resource_exhausted", "unavailable", "internal"]}, "message": {"type": "string", "description": "in the request's language"}, "request_id": {"type": "string"}, "fields": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}}}}}}}},
}
responses = {f"E{c}": {"description": d, "content": {"application/json": {"schema": ref("Error")}}} for c, d in [(400, "invalid_argument"), (401, "unauthenticated"), (403, "permission_denied"), (404, "not_found"), (409, "conflict"), (413, "payload_too_large"), (429, "resource_exhausted")]}
doc = {"openapi": "3.1.0", "info": {"title": "Tongban (通办) public API", "version": "1.0.0", "description": "The public contract of Tongban; see docs/api.md. JSON in and out, snake_case, RFC 3339 times with offset. Errors: {\"error\":{\"code\",\"message\",\"request_id\"}}. Cookie-authenticated writes need the X-CSRF-Token header."},
 "servers": [{"url": "/"}], "paths": paths,
 "components": {"schemas": schemas, "responses": responses, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}, "cookie": {"type": "apiKey", "in": "cookie", "name": "tongban_session"}}}}
open(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'docs', 'openapi.json'), 'w').write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
