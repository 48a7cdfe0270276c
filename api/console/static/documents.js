// Every GraphQL document the console sends, in one place. Views import the ones they use by name.

export const QUEUE_FIELDS = `id ruleCode severity status subject message period firstFlaggedAt reportType { code name }`;
// availableActions: the review actions the server allows this key on the exception as it stands (no copy of the
// review rules in the console).
const DETAIL_FIELDS = `${QUEUE_FIELDS} secClause details availableActions { action commentRequired }
  meeting { id reference heldOn }
  submission { id period receivedAt dueAt delivery status filename rowCount
    findings(first: 100) { totalCount edges { node { ruleCode severity subject message row details secClause } } } }
  history { at actor action fromStatus toStatus comment }`;

// Signing in: the key works, who it makes the caller, what it may use, and the words for the API's values.
export const Q_SIGN_IN = `query SignIn { exceptions(first: 1) { totalCount } viewer { role bodies discussedAt may }
  labels { kind value text doneText } }`;
export const Q_SETUP = `query Setup {
  reportTypes { code name secClause toleranceLowerPct toleranceUpperPct toBeConfirmed }
  reportSubmissions(first: 100) { edges { node { period receivedAt } } }
  bodies { code name meetings(first: 20) { edges { node { id reference heldOn } } } } }`;

export const Q_QUEUE = `query Queue($filter: ExceptionFilter, $first: Int, $after: String) {
  exceptions(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { ${QUEUE_FIELDS} } } } }`;
export const Q_DETAIL = `query Detail($id: ID!) { node(id: $id) { ... on ReportException { ${DETAIL_FIELDS} } } }`;
export const M_REVIEW = `mutation Review($id: ID!, $action: ReviewAction!, $comment: String, $meetingId: ID) {
  reviewException(id: $id, action: $action, comment: $comment, meetingId: $meetingId) {
    exception { ${DETAIL_FIELDS} } errors { code message field } } }`;

export const S_FLAGGED = `subscription Flagged($reportType: String) { exceptionFlagged(reportType: $reportType) { ${QUEUE_FIELDS} } }`;
export const S_SUBMISSION = `subscription Sub($id: ID!) { submissionUpdated(id: $id) { id status } }`;
export const Q_POLL = `query Poll {
  recent: reportSubmissions(first: 20) { edges { node { id status exceptions(first: 100) { edges { node { ${QUEUE_FIELDS} } } } } } }
  missing: exceptions(filter: { ruleCode: "MISSING_REPORT" }, first: 100) { edges { node { ${QUEUE_FIELDS} } } } }`;

export const Q_CALENDAR = `query Calendar($month: String!) { reportingCalendar(month: $month) {
  reportType period dueAt delivery submission { id status receivedAt filename } } }`;
export const Q_OPSG = `query Opsg($month: String!) { opsgReport(month: $month) {
  month heading tableRows { reportType report periods deliveryText content observationText }
  rows { reportType period delivery observationText observation { text recordedBy recordedAt }
    exceptions { id ruleCode subject severity status } } } }`;
export const M_OBSERVATION = `mutation RecordObservation($input: RecordObservationInput!) { recordObservation(input: $input) {
  observation { text recordedBy recordedAt } errors { code message field } } }`;

export const Q_VARIANCE = `query Variance($code: String!) {
  subs: reportSubmissions(filter: { reportType: $code }, first: 100) { edges { node { id period status receivedAt } } }
  above: exceptions(filter: { reportType: $code, ruleCode: "VARIANCE_ABOVE_TOLERANCE" }, first: 100) {
    edges { node { period subject details submission { id } } } }
  below: exceptions(filter: { reportType: $code, ruleCode: "VARIANCE_BELOW_TOLERANCE" }, first: 100) {
    edges { node { period subject details submission { id } } } } }`;
export const Q_STATUS_OVER_TIME = `query StatusOverTime { exceptionStatusOverTime {
  unit buckets exceptions series { status label counts } } }`;
export const Q_MEMBERSHIP = `query Membership($from: String!, $to: String!) { membershipStatistics(fromMonth: $from, toMonth: $to) {
  month votingGroupsAtMonthEnd votingGroupsByCategory { category count } } }`;

// The Operations Group's meeting: the month's table, its follow-ups, recording the meeting, closing a follow-up.
export const Q_MEETING_MONTH = `query MeetingMonth($month: String!) {
  opsgReport(month: $month) { month heading meeting { id reference }
    rows { reportType period report observation { text } exceptions { id ruleCode subject severity status } }
    followUps { id reference text ownerName due status reportType period closedAt closingComment } } }`;
// Apart from the month's table, so that neither takes the heavy lane (the what-if does).
export const Q_MEETINGS = `query Meetings { bodies { code meetings(first: 50) { edges { node { id reference heldOn } } } } }`;
export const Q_FOLLOW_UPS = `query OpenFollowUps { followUps(first: 100) { totalCount edges { node {
  id reference text ownerName due status reportType period closingComment meeting { reference } } } } }`;
export const M_RECORD_MEETING = `mutation RecordMeeting($input: RecordMeetingOutcomeInput!) { recordMeetingOutcome(input: $input) {
  meeting { reference } followUps { reference } exceptions { id status } errors { code message field } } }`;
export const M_CLOSE_FOLLOW_UP = `mutation CloseFollowUp($id: ID!, $comment: String!) { closeFollowUp(id: $id, comment: $comment) {
  followUp { id status } errors { code message field } } }`;

// The catalogue and the what-if beside it.
export const Q_CATALOGUE_TABLE = `query Catalogue { reportTypes { code name version toleranceLowerPct toleranceUpperPct dueWorkingDays } }`;
export const Q_WHAT_IF = `query WhatIf($reportType: String!, $from: String!, $to: String!, $change: CatalogueChangeInput!) {
  whatIf(reportType: $reportType, fromPeriod: $from, toPeriod: $to, change: $change) { reportType catalogueVersion
    periods { period statusToday statusWouldBe
      added { ruleCode severity subject message raisesException }
      cleared { ruleCode severity subject message raisesException exception { id status } }
      changed { ruleCode severity was subject message } }
    cost { estimated periods bytes findings cpuSeconds milliseconds } } }`;
export const M_AMEND_REPORT_TYPE = `mutation Amend($input: AmendReportTypeInput!) { amendReportType(input: $input) {
  reportType { code version toleranceLowerPct toleranceUpperPct dueWorkingDays } errors { code message field } } }`;
// Section 1 of the Panel's Operations Report for a month (views/report.js).
export const Q_OPERATIONS_REPORT = `query OperationsReport($month: String!) { operationsReport(month: $month) {
  month title reference action classificationText recommendations attachments
  sections { number title blocks { kind text items table { caption header rows } bars { category count } } }
  testing { appendices { caption classification header rows } } } }`;
