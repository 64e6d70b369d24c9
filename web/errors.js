// Server errors in Danish. The API answers {"error": {"code", "message"}}, and
// where it has one a stable {"key", "vars"} (the key names a catalogue entry
// "error.…"; today the file errors "file:line:col (field): msg", see
// src/server/respond.h): a key the catalogue knows is used first, its `msg`
// translated in turn. Other messages users can meet are recognised here by
// pattern and mapped to catalogue keys; messages the server already writes in
// Danish are shown as they are (DANISH); anything else is shown as
// "Serveren afviste: <message>" so nothing is hidden.
// tests/e2e/errors_coverage.test.mjs checks that every message the server's
// sources can produce is recognised here.
import { t, has } from './i18n.js';

// [pattern on the English message, catalogue key]; named groups become {vars}
// (some translated on the way, see VAR_CATALOGUE). The first match wins.
export const PATTERNS = [
  // ---- login, session, access, request shape
  [/^wrong user name or password$/, 'error.login_failed'],
  [/^(not logged in|session expired or unknown; log in again)$/, 'error.session_expired'],
  [/^log ind før upload/, 'error.session_expired'],
  [/^for mange mislykkede login-forsøg: prøv igen om (?<seconds>\d+) sekunder/, 'error.login_throttled'],
  [/^role '[^']*' (may not|has no) /, 'error.forbidden'],
  [/^(the ramme( statement)? is national|expense files|quality payments): /, 'error.forbidden'],
  [/^only rltn (uploads|withdraws) expense files|^only rltn computes/, 'error.forbidden'],
  [/^password must have at least (?<n>\d+) characters/, 'error.password_short'],
  [/^user '(?<user>[^']*)' exists already/, 'error.user_exists'],
  [/^postgresql: /, 'error.db.duplicate'],
  [/^body must be a JSON object|^what-if: the request must be a JSON object/, 'error.json_object'],

  // ---- uploads, jobs, file errors
  [/^upload a claims CSV/, 'error.upload.no_claims'],
  [/^upload the (?<file>[\w-]+)\.csv file/, 'error.upload.missing_file'],
  [/^send the files as multipart\/form-data/, 'error.upload.multipart'],
  [/^upload: (?<msg>.+)$/, 'error.upload.refused'],
  [/^cancelled: the server is shutting down|^re-run cancelled|^import cancelled \(server shutting down\)|^indlæsningen blev afbrudt \(serveren lukker\)/, 'error.job.cancelled'],
  [/^no job (?<id>\S+)$/, 'error.job.not_found'],
  [/^(?<file>[^:\s]+):(?<line>\d+):(?<col>\d+) \((?<field>[^)]+)\): (?<msg>.*)$/, 'error.file.field'],
  [/^(?<file>[^:\s]+):(?<line>\d+):(?<col>\d+): (?<msg>.*)$/, 'error.file.record'],
  [/^(?<file>[^:\s]+):(?<line>\d+) \((?<field>[^)]+)\): (?<msg>.*)$/, 'error.file.line_field'],
  [/^(?<file>[^:\s]+):(?<line>\d+): (?<msg>.*)$/, 'error.file.record'],

  // ---- settlement runs and re-runs, exports
  [/^a re-run settles the run's own claim file/, 'error.rerun.no_claims'],
  [/^the run's claim file was not kept/, 'error.rerun.not_kept'],
  [/^no settlement run (?<id>\S+)$/, 'error.run.not_found'],
  [/^no re-run (?<id>\S+)$/, 'error.rerun.not_found'],
  [/^the agreement data set (?<version>\S+) of run (?<run>\d+) is not stored/, 'error.rerun.agreement_missing'],
  [/^agreement must be 'current' or 'original'/, 'error.rerun.agreement_mode'],
  [/^registers must be 'kept' or 'stored'/, 'error.rerun.registers_mode'],
  [/^run (?<run>\d+) cannot be re-run: its input files were not kept/, 'error.rerun.inputs_not_kept'],
  [/^the run's input files were not kept/, 'error.rerun.inputs_missing'],
  [/^sealed (?<kind>\S+) file(: chunk \d+ missing| does not match its recorded hash)/, 'error.rerun.sealed_damaged'],
  [/^format must be json, csv or xlsx/, 'error.export.format'],

  // ---- the grant pool (Lægedækningspuljen)
  [/^the call's budget (?<budget>\S+ kr\.) exceeds what is left of the (?<year>\d{4}) pool \((?<left>\S+ kr\.) of (?<pool>\S+ kr\.)\)/, 'error.pool.call_budget'],
  [/^no application (?<id>\S+)$/, 'error.pool.application_not_found'],
  [/^no call (?<id>\S+)$/, 'error.pool.call_not_found'],
  [/^no report (?<id>\d+)$/, 'error.pool.report_not_found'],
  [/^no (?<name>\w+) for (?<year>\d{4}) in the agreement data$/, 'error.pool.no_budget'],
  [/^call (?<id>\d+) is not open for applications/, 'error.pool.call_closed'],
  [/^call must be a number/, 'error.pool.call_number'],
  [/^opens must be before closes/, 'error.pool.opens_closes'],
  [/^application (?<id>\d+) is decided already/, 'error.pool.decided'],
  [/^application (?<id>\d+) is (?<status>\w+), not submitted/, 'error.pool.not_submitted'],
  [/^application (?<id>\d+) is (?<status>\w+); scoring is closed/, 'error.pool.scoring_closed'],
  [/^application (?<id>\d+) is (?<status>\w+)$/, 'error.pool.status'],
  [/^the committee has not scored application (?<id>\d+)/, 'error.pool.not_scored'],
  [/^no decision without the assessment committee's recommendation/, 'error.pool.no_recommendation'],
  [/^the grant of (?<amount>\S+ kr\.) exceeds the remaining pool of (?<left>\S+ kr\.)/, 'error.pool.grant_exceeds'],
  [/^application (?<id>\d+) has no grant to pay/, 'error.pool.no_grant'],
  [/^the instalment would bring payments to (?<total>\S+ kr\.), above the grant of (?<grant>\S+ kr\.)/, 'error.pool.instalment'],
  [/^status reports are requested from granted projects only/, 'error.pool.report_granted_only'],
  [/^report (?<id>\d+) was received already/, 'error.pool.report_received'],
  [/^conflict of interest/, 'error.pool.conflict_of_interest'],
  [/^a region applies for itself only/, 'error.pool.region_self'],
  [/^the grant must be positive and at most the amount applied for/, 'error.pool.grant_range'],
  [/^the recommended amount must be positive and at most the amount applied for/, 'error.pool.recommend_range'],
  [/^score must be 1–5/, 'error.pool.score'],
  [/^partners must be an array/, 'error.pool.partners'],
  [/^each partner needs a type and a name/, 'error.pool.partner'],
  [/^partner type must be/, 'error.pool.partner_type'],
  [/^project_type '(?<type>[^']*)' is unknown/, 'error.pool.project_type'],
  [/^party must be rltn or plo/, 'error.pool.party'],
  [/^region_code must be 1081–1085 or empty/, 'error.pool.region_code_optional'],
  [/^region_code must be one of the five regions/, 'error.region_code'],
  [/^(?<user>\S+) is not an appointed member of the assessment committee/, 'error.pool.not_member'],
  [/^(?<party>\w+) has already appointed (?<n>\d+) members of the assessment committee/, 'error.pool.committee_full'],
  [/^amount_ore must be positive|^budget_ore must be positive/, 'error.amount_positive'],
  [/^cofinancing_ore may not be negative/, 'error.cofinancing_negative'],

  // ---- budgets and data sharing
  [/^the spend would exceed the (?<year>\d{4}) budget of (?<budget>\S+ kr\.) \(spent so far (?<spent>\S+ kr\.)\)/, 'error.budget.exceeded'],
  [/^budget must be it_subsidy or partsforum/, 'error.budget.kind'],
  [/^note_type must be journal_note, lab_values or all/, 'error.sharing.note_type_all'],
  [/^note_type must be journal_note or lab_values/, 'error.sharing.note_type'],
  [/^sector must be hospital, municipality, specialist_practice, other_practice or all/, 'error.sharing.sector_all'],
  [/^sector must be hospital, municipality, specialist_practice or other_practice/, 'error.sharing.sector'],
  [/^no block (?<id>\S+)$/, 'error.sharing.block_not_found'],
  [/^block (?<id>\d+) is revoked already/, 'error.sharing.block_revoked'],

  // ---- sanctions (LSU) and employment
  [/^no decisions in the request/, 'error.sanctions.none'],
  [/^doctor_id and date \(YYYY-MM-DD\) are required/, 'error.sanctions.check_params'],
  [/^employment: doctor_id is required/, 'error.sanctions.employment_doctor'],
  [/^employment: provider must be a 6-digit ydernummer/, 'error.provider_format'],
  [/^employment: from (?<from>\S+) is not before to (?<to>\S+)/, 'error.sanctions.employment_period'],
  [/^employment refused: (?<msg>.*)$/, 'error.sanctions.employment_refused'],
  [/^(?:sanctions register|sanktionsregistret): (?<sanction>[a-f]) for doctor (?<doctor>\S+)(?: \([^)]*\))?: (?<msg>.*)$/, 'error.sanctions.register_row'],

  // ---- botilbud register (bostedslæger)
  [/^provider (?<provider>\S+) is excluded by an LSU sanction \(§ 114 stk\. 2\) on (?<date>\S+)/, 'error.bosted.provider_sanctioned'],
  [/^provider (?<provider>\S+) is excluded by an LSU sanction on (?<date>\S+) and cannot be attached/, 'error.bosted.provider_sanctioned'],
  [/^doctor (?<doctor>\S+) cannot be attached as fixed doctor: (?<msg>.*)$/, 'error.bosted.doctor_blocked'],
  [/^municipality \S+ may not change botilbud of municipality/, 'error.bosted.other_municipality'],
  [/^region \S+ may not attach doctors to botilbud outside its region/, 'error.bosted.other_region'],
  [/^region \S+ may only attach its own region's clinics \(provider (?<provider>\S+) is not one of them\)/, 'error.bosted.other_region_clinic'],
  [/^a botilbud cannot move to another municipality/, 'error.bosted.move'],
  [/^botilbud '(?<id>[^']*)' is not in the register$/, 'error.bosted.not_found'],
  [/^botilbud '(?<id>[^']*)' is already in the register/, 'error.bosted.exists'],
  [/^botilbud '(?<id>[^']*)' has no section in the register on (?<date>\S+)$/, 'error.bosted.no_section_on'],
  [/^botilbud (?<id>\S+) is closed from (?<date>\S+): no new section/, 'error.bosted.closed'],
  [/^'(?<value>[^']*)' is not one of the 98 municipality codes/, 'error.bosted.municipality_code'],
  [/^'(?<value>[^']*)' is not a paragraph \(/, 'error.bosted.paragraph'],
  [/^operator must be municipal, regional or private/, 'error.bosted.operator'],
  [/^a botilbud needs at least one section/, 'error.bosted.no_section'],
  [/^sections must be a list/, 'error.bosted.sections_list'],
  [/^section '(?<section>[^']*)' is given twice/, 'error.bosted.section_twice'],
  [/^residents is required for the new section '(?<section>[^']*)'/, 'error.bosted.new_section_residents'],
  [/^residents is required for section '(?<section>[^']*)'/, 'error.bosted.section_residents'],
  [/^section '(?<section>[^']*)' of botilbud (?<id>\S+) already has a change from (?<date>\S+) /, 'error.bosted.change_exists'],
  [/^section '(?<section>[^']*)' of botilbud (?<id>\S+) has a fixed doctor \(provider (?<provider>\d+)\) after (?<date>\S+): /, 'error.bosted.attached_after'],
  [/^section '(?<section>[^']*)' of botilbud (?<id>\S+) is not in the register on (?<date>\S+)$/, 'error.bosted.section_not_on'],
  [/^section '(?<section>[^']*)' of botilbud (?<id>\S+) is not in the register$/, 'error.bosted.section_not_found'],
  [/^section '(?<section>[^']*)' of botilbud (?<id>\S+) already has a fixed doctor in this period \(provider (?<provider>\d+) from (?<from>\S+) to (?<to>[^)\s]+)\)$/, 'error.bosted.already_attached_until'],
  [/^section '(?<section>[^']*)' of botilbud (?<id>\S+) already has a fixed doctor in this period \(provider (?<provider>\d+) from (?<from>[^)\s]+)\)$/, 'error.bosted.already_attached'],
  [/^provider (?<provider>\S+) is not a registered clinic/, 'error.bosted.provider_unknown'],
  [/^no attachment of provider (?<provider>\S+) to botilbud (?<id>\S+) from (?<date>\S+)$/, 'error.bosted.attachment_not_found'],
  [/^the attachment already ends never: /, 'error.bosted.attachment_open'],
  [/^the attachment already ends (?<date>\S+): /, 'error.bosted.attachment_extend'],
  [/^by must be region, municipality/, 'error.bosted.by'],
  [/^no report '(?<kind>[^']*)'/, 'error.bosted.report_unknown'],

  // ---- control cases
  [/^no control case (?<id>\S+)$/, 'error.control.case_not_found'],
  [/^a clinic answers its control case; the region decides it/, 'error.control.clinic_answers'],

  // ---- economy: ramme, expenses, højestegrænser, quality, what-if
  [/^year must be a year/, 'error.year_format'],
  [/^quarter '(?<quarter>[^']*)' is not a quarter/, 'error.economy.quarter_format'],
  [/^quarter (?<quarter>\S+) is not in year (?<year>\d+)/, 'error.economy.quarter_year'],
  [/^quarter (?<quarter>\S+) is outside the upload's period (?<period>\S+)/, 'error.economy.quarter_outside'],
  [/^quarter .*(outside|not in|must be)/, 'error.economy.quarter'],
  [/^(?<file>\S+): no expense rows$/, 'error.economy.no_expense_rows'],
  [/^no expense file (?<id>\S+)$/, 'error.economy.expense_file_not_found'],
  [/^region (?<region>\S+), (?<quarter>\S+), (?<category>\S+) is already stored from (?<name>.+) \(file (?<file>\S+), line (?<line>\S+)\)/, 'error.economy.expense_stored'],
  [/^the stored listing profile of (?<year>\d{4}) has the age group (?<group>.+?), which/, 'error.economy.profile_stale'],
  [/^ceilings not computed for (?<year>\d{4})$/, 'error.economy.ceilings_not_computed'],
  [/^quality not computed for (?<year>\d{4})$/, 'error.economy.quality_not_computed'],
  [/^(?<what>\S+) not computed for (?<year>\d{4})$/, 'error.economy.not_computed'],
  [/^reference must be region or country/, 'error.economy.reference'],
  [/^--reference region needs --providers/, 'error.economy.reference_region'],
  [/^no quality payment rates for (?<year>\d{4})/, 'error.economy.no_quality_rates'],
  [/^insured count for unknown region '(?<region>[^']*)'/, 'error.economy.insured_region'],
  [/^the agreement data has no age\/sex standardisation table for (?<year>\d{4})/, 'error.economy.no_standardisation'],
  [/^no økonomisk ramme for (?<year>\d{4})/, 'error.economy.no_ramme'],
  [/^the ramme for (?<year>\d{4}) is not positive/, 'error.economy.ramme_not_positive'],
  [/^what-if: "(?<felt>\w+)" must be a whole number ≥ 0/, 'error.field.count'],
  [/^what-if: "set" must hold strings ITEM=VALUE/, 'error.economy.whatif_set_strings'],
  [/^what-if: value of "(?<item>[^"]*)" must be a string or a number/, 'error.economy.whatif_value'],
  [/^what-if: "set" must be an array or an object/, 'error.economy.whatif_set_type'],
  [/^what-if: "changes" must be an array/, 'error.economy.whatif_changes'],
  [/^what-if: each change needs "item"/, 'error.economy.whatif_item'],
  [/^what-if: "field" must be a string/, 'error.economy.whatif_field'],
  [/^what-if: "value_ore" of (?<item>.+) must be a whole number of øre or null/, 'error.economy.whatif_value_ore'],
  [/^what-if: unknown item id '(?<item>[^']*)'/, 'error.economy.whatif_unknown'],
  [/^what-if: '(?<item>[^']*)' is a total and cannot be set/, 'error.economy.set_total'],
  [/^--set '(?<spec>[^']*)': expected ITEM=VALUE/, 'error.economy.set_format'],
  [/^--set '(?<spec>[^']*)': the item name is empty/, 'error.economy.set_empty'],
  [/^--set: unknown item '(?<item>[^']*)' \(items: (?<items>.*)\)$/, 'error.economy.set_unknown'],
  [/^--set: item '(?<item>[^']*)' is ambiguous; use one of the ids: (?<ids>.*)$/, 'error.economy.set_ambiguous'],
  [/^--set: '(?<item>[^']*)' is a total computed from the lines and cannot be set/, 'error.economy.set_total'],
  [/^--set (?<item>.+?): '(?<value>[^']*)' is not an amount in mio\. kr\./, 'error.economy.set_amount'],

  // ---- the agreement data
  [/^no § 64 (regulation )?index row covers (?<date>\d{4}-\d\d-\d\d)/, 'error.agreement.no_index'],
  [/^no § 64 index row for the offset plan's dates/, 'error.agreement.no_index_offset'],
  [/^parameter offset_periods must be at least 1/, 'error.agreement.offset_periods'],
  [/^parameter (?<name>\w+) is missing/, 'error.agreement.parameter_missing'],
  [/^parameter (?<name>\w+) is not a date/, 'error.agreement.parameter_date'],
  [/^agreement parameter (?<name>\w+) must be 'none' or a date, not '(?<value>[^']*)'/, 'error.agreement.parameter_value'],
  [/^spend_week_normalisation '(?<value>[^']*)'/, 'error.agreement.week_normalisation'],
  [/^the agreement data set has no (?<file>\S+)$/, 'error.agreement.no_file'],
  [/^no agreement table '(?<table>[^']*)'/, 'error.agreement.no_table'],

  // ---- fields of a request or a row, by name
  [/^to_date must be after from_date|^valid_to must be after valid_from/, 'error.period_order'],
  [/^provider must be a 6-digit ydernummer/, 'error.provider_format'],
  [/^date must be YYYY-MM-DD/, 'error.date_format'],
  [/^a clinic registers its own employees only/, 'error.clinic_own_employees'],
  [/^a clinic asks for itself only/, 'error.clinic_self'],
  [/^cpr: (?<msg>.*)$/, 'error.cpr_invalid'],
  [/^cpr is required/, 'error.cpr_required'],
  [/^(?<felt>\w+) is required$/, 'error.field.required'],
  [/^(?<felt>\w+) is empty$/, 'error.field.empty'],
  [/^(?<felt>\w+) must be a string$/, 'error.field.string'],
  [/^(?<felt>\w+) must be a whole number ≥ 0$/, 'error.field.count'],
  [/^(?<felt>\w+) must be a whole number/, 'error.field.whole_number'],
  [/^(?<felt>\w+) must not be negative$/, 'error.field.negative'],
  [/^(?<felt>\w+) must be 0 or 1$/, 'error.field.zero_one'],
  [/^(?<felt>\w+) must be a date \(YYYY-MM-DD\)$/, 'error.field.date'],
  [/^(?<felt>\w+) must be a date \(YYYY-MM-DD\) or empty$/, 'error.field.date_or_empty'],
  [/^(?<felt>\w+): '(?<value>[^']*)' is not a valid date/, 'error.field.date_value'],
  [/^(?<felt>\w+) is before (?<felt2>\w+)$/, 'error.field.before'],
  [/^(?<felt>\w+) \(true\/false\) is required/, 'error.field.bool'],
  [/^(?<felt>\w+): invalid characters$/, 'error.field.characters'],
  [/is not a valid date \(YYYY-MM-DD\)/, 'error.date_format'],
  [/^refused, nothing changed: (?<msg>.*)$/, 'error.refused_nothing_changed'],
  [/^no (application|call|job|settlement run|report|block|expense file|control case|API endpoint|such page)\b|^openapi\.json not built in/, 'error.not_found'],
];

// Messages inside messages (file errors, "refused, nothing changed: …") are
// translated too: first by these, then by PATTERNS.
export const FIELD_MESSAGES = [
  [/^claim_id is empty$/, 'error.claim.claim_id_empty'],
  [/^provider must be a 6-digit ydernummer$/, 'error.provider_format'],
  [/^'(?<value>[^']*)' is not a valid date \(YYYY-MM-DD\)$/, 'error.claim.date'],
  [/^'(?<value>[^']*)' is not a date \(YYYY-MM-DD\)$/, 'error.claim.date'],
  [/^'(?<value>[^']*)' is not a date \(YYYY-MM-DD\) or empty$/, 'error.date_or_empty_value'],
  [/^code must be a 4-digit ydelsesnummer, got '(?<value>[^']*)'$/, 'error.claim.code_format'],
  [/^unknown code (?<value>\S+): not in the agreement's fee table$/, 'error.claim.code_unknown'],
  [/^missing from the header: (?<columns>.*)$/, 'error.file.missing_columns'],
  [/^expected (?<want>\d+) fields as in the header, found (?<got>\d+)$/, 'error.file.field_count'],
  [/^the field contains bytes that are not valid UTF-8$/, 'error.file.utf8'],
  [/^a quoted field is not closed/, 'error.file.quote'],
  // sanctions.csv (and one decision registered as JSON)
  [/^'(?<value>[^']*)' is not a sanction kind/, 'error.sanctions.kind'],
  [/^'(?<value>[^']*)' is not a ydernummer \(6 digits\)$/, 'error.sanctions.provider'],
  [/^a (?<sanction>[a-f]) decision needs the provider \(ydernummer\)/, 'error.sanctions.needs_provider'],
  [/^(?<felt>\w+) is required for kind (?<sanction>[a-f])$/, 'error.sanctions.field_required'],
  [/^a (b\/c|[a-f]) decision needs a positive amount_ore/, 'error.sanctions.amount_required'],
  [/^amount_ore must be empty for kind (?<sanction>[a-f])/, 'error.sanctions.amount_not_allowed'],
  [/^from_date (?<from>\S+) is not before to_date (?<to>\S+)/, 'error.sanctions.period'],
  [/^to_date must be empty for b\/c/, 'error.sanctions.collection_to_date'],
  [/^from_date (?<from>\S+) is before the decision date (?<decided>\S+)/, 'error.sanctions.before_decision'],
  [/^a d\) suspension is temporary: to_date is required/, 'error.sanctions.suspension_temporary'],
  [/^the (?<sanction>[a-f]) period (?<from>\S+)–(?<to>\S+) of doctor (?<doctor>\S+) overlaps the (?<sanction2>[a-f]) period (?<from2>\S+)–(?<to2>\S+) on line (?<line>\d+);/, 'error.sanctions.overlap_line'],
  [/^the (?<sanction>[a-f]) period (?<from>\S+)–(?<to>\S+) of doctor (?<doctor>\S+) overlaps the (?<sanction2>[a-f]) period (?<from2>\S+)–(?<to2>\S+);/, 'error.sanctions.overlap'],
  [/^doctor (?<doctor>\S+) is excluded from employment in clinics under the agreement \(§ 114 stk\. 2 f, OK25 pkt\. 5\.7\) from (?<from>\S+) \(permanent\), decided (?<decided>\d{4}-\d\d-\d\d) \(case (?<case>[^)]+)\)/, 'error.sanctions.banned_permanent_case'],
  [/^doctor (?<doctor>\S+) is excluded from employment in clinics under the agreement \(§ 114 stk\. 2 f, OK25 pkt\. 5\.7\) from (?<from>\S+) to (?<to>\S+), decided (?<decided>\d{4}-\d\d-\d\d) \(case (?<case>[^)]+)\)/, 'error.sanctions.banned_until_case'],
  [/^doctor (?<doctor>\S+) is excluded from employment in clinics under the agreement \(§ 114 stk\. 2 f, OK25 pkt\. 5\.7\) from (?<from>\S+) \(permanent\), decided (?<decided>\d{4}-\d\d-\d\d)/, 'error.sanctions.banned_permanent'],
  [/^doctor (?<doctor>\S+) is excluded from employment in clinics under the agreement \(§ 114 stk\. 2 f, OK25 pkt\. 5\.7\) from (?<from>\S+) to (?<to>\S+), decided (?<decided>\d{4}-\d\d-\d\d)/, 'error.sanctions.banned_until'],
  [/^doctor (?<doctor>\S+) is already registered at clinic (?<provider>\S+) from (?<from>\S+)$/, 'error.sanctions.already_employed'],
  [/^'(?<value>[^']*)' is not 0 or 1$/, 'error.zero_one_value'],
  [/^'(?<value>[^']*)' is not a whole number of øre$/, 'error.amount_ore'],
  // botilbud.csv and attachments.csv (also the register edits' "refused, nothing changed: …")
  [/^section (?<section>\S+) is already in the register for this period \(line (?<line>\d+)\)$/, 'error.bosted.section_duplicate'],
  [/^botilbud (?<id>\S+): (?<felt>\w+) differs from section (?<section>\S+) \(line (?<line>\d+)\)/, 'error.bosted.section_differs'],
  [/^botilbud (?<id>\S+) has several sections: every row needs a section name$/, 'error.bosted.sections_unnamed'],
  [/^botilbud (?<id>\S+) has several sections: name the section$/, 'error.bosted.name_section'],
  [/^listed_residents \((?<listed>\d+)\) exceeds the section's residents \((?<residents>\d+)\)$/, 'error.bosted.listed_exceeds'],
  [/^section (?<section>\S+) has (?<residents>\d+) residents: a botilbud split into sections needs at least (?<min>\d+) residents per section/, 'error.bosted.section_too_small'],
  [/^section (?<section>\S+) is not in the register on (?<date>\S+)$/, 'error.bosted.label_not_on'],
  [/^section (?<section>\S+) already has a fixed doctor in this period \(line (?<line>\d+), provider (?<provider>\d+)\)$/, 'error.bosted.label_attached'],
  [/^provider (?<provider>\S+) is not in providers\.csv$/, 'error.bosted.provider_not_in_file'],
  [/^provider (?<provider>\S+) has no providers\.csv row valid on (?<date>\S+)$/, 'error.bosted.provider_not_valid'],
  // expenses.csv, the ramme's listing and clinic files, højestegrænser and quality files
  [/^'(?<value>[^']*)' is not a region code/, 'error.region_code_value'],
  [/^'(?<value>[^']*)' is not a quarter/, 'error.quarter_value'],
  [/^'(?<value>[^']*)' is not an expense category \((?<list>.*)\)$/, 'error.economy.category'],
  [/^duplicate row for region (?<region>\d+), (?<quarter>[^,\s]+), (?<category>\S+) \(first at line (?<line>\d+)\)$/, 'error.economy.duplicate_row'],
  [/^duplicate row for region (?<region>\d+), (?<quarter>\S+) \(first at line (?<line>\d+)\)$/, 'error.economy.duplicate_row_quarter'],
  [/^'(?<value>[^']*)' is not a count of patients$/, 'error.economy.patient_count'],
  [/^'(?<value>[^']*)' is not a municipality code$/, 'error.municipality_code_value'],
  [/^'(?<value>[^']*)' is not a clinic type/, 'error.economy.clinic_type'],
  [/^'(?<value>[^']*)' is not a number of capacities$/, 'error.economy.capacities'],
  [/^provider (?<provider>\S+) has overlapping rows \(the other at line (?<line>\d+)\)$/, 'error.economy.provider_overlap'],
  [/^provider (?<provider>\S+) is in two clusters at the same time$/, 'error.economy.two_clusters'],
  [/^month must be YYYY-MM$/, 'error.month_format'],
  [/^unknown item '(?<item>[^']*)' \((?<list>[^)]*)\)$/, 'error.economy.statement_item'],
  [/^code must be 4 digits or empty$/, 'error.code_optional'],
  [/^malformed CPR number \((?<msg>.*)\)$/, 'error.cpr_malformed'],
  [/^a decision needs a reason$/, 'error.economy.decision_reason'],
  [/^a second decision for provider (?<provider>\S+) and year (?<year>\d+)$/, 'error.economy.second_decision'],
];

// Messages the server already writes in Danish (control cases, the ledger,
// resumable uploads, request limits): shown as they are, with a capital first letter.
const DANISH = [
  /^ugyldigt (id|CPR-nummer)\b/, /^ugyldig Content-Length/, /^forespørgsle(n|ns|r) /, /^højst ét byte-interval/,
  /^kun Transfer-Encoding/, /^en \S+-forespørgsel har ingen krop/,
  /^Content-(Length mangler|Type skal være|Encoding \S+ tages ikke imod)/, /^serveren har for mange forbindelser/,
  /^(username og password skal være tekst|brugernavn eller adgangskode er for lang)/,
  /^columns( skal være| gælder kun|: (ukendt|højst|hver|en kolonne|"\w+" skal))/, /^lang skal være da/,
  /^(Overførslen|Feltet|Du har allerede|Upload-Offset er|Angiv|Parameteren|Ydernummeret|Rollen|Kun RLTN|Metoden|Tilmeldingsregistret) /,
  /^(Kontrolsag|Kontrolsagen|Klinik|Klinikken|Du kan kun|Der er allerede|Der mangler|Skriv|Fristen|Svaret|Linje|Linjerne|Fundet|Fejlbeløbet) /,
  /^(Året|Perioden|Periodens|En kontrolperiode|Konfidensniveauet|Den tålelige|Den forventede|Måneden|Månederne) /,
  /^[a-zæøå]+ \d{4} er allerede afsluttet/,
  /^ydernummer(et)? (\S+ er fast tilknyttet|\S+ findes ikke|skal have 6 cifre)/,
  /^listed_(from|to) (skal være|ligger før)/, /^skal være et heltal$/,
];

// Variables shown through the catalogue when it knows the value (else as sent).
const VAR_CATALOGUE = {
  felt: 'error.felt', felt2: 'error.felt', status: 'enum.case_status', party: 'enum.party',
  sanction: 'enum.sanction_kind', sanction2: 'enum.sanction_kind', category: 'enum.expense_category',
};

function match(list, message) {
  for (const [re, key] of list) {
    const m = re.exec(message);
    if (m && has(key)) {
      const vars = { ...(m.groups || {}) };
      for (const [name, prefix] of Object.entries(VAR_CATALOGUE)) {
        if (vars[name] !== undefined && has(`${prefix}.${vars[name]}`)) vars[name] = t(`${prefix}.${vars[name]}`);
      }
      return { key, vars };
    }
  }
  return null;
}

function danish(message) {
  return DANISH.some((re) => re.test(message)) ? message.charAt(0).toUpperCase() + message.slice(1) : null;
}

function inner(message) {
  const m = match(FIELD_MESSAGES, message) || match(PATTERNS, message);
  return m ? t(m.key, m.vars) : message;
}

// For tests/e2e/errors_coverage.test.mjs: does the UI know this message (in
// its own right or inside a file error)?
export function knownMessage(message) {
  return Boolean(match(FIELD_MESSAGES, message) || match(PATTERNS, message) || danish(message));
}

// status: HTTP status; err: the body's "error" object (or undefined).
export function errorText(status, err) {
  if (err && err.key && has(err.key)) {
    const vars = { ...(err.vars || {}) };
    if (typeof vars.msg === 'string') vars.msg = inner(vars.msg);
    return t(err.key, vars);
  }
  const message = (err && err.message) || '';
  if (status === 401 && !message) return t('error.session_expired');
  const m = match(PATTERNS, message);
  if (m) {
    if (m.vars.msg !== undefined) m.vars.msg = inner(m.vars.msg);
    return t(m.key, m.vars);
  }
  const da = message && danish(message);
  if (da && status < 500) return da;
  // A refusal the UI has no words for: the role may not do this.
  if (status === 403) return t('error.forbidden');
  if (status === 404 && !message) return t('error.not_found');
  if (status >= 500) return t('error.server', { status });
  return message ? t('error.fallback', { message }) : t('error.http', { status });
}
