//! Garoon's SOAP workflow calls: the requests the SDK builds are Cybozu's examples (after
//! whitespace), the examples' answers decode, and a fault keeps its code and texts.

use omflow_garoon::soap::{self, Credentials, Handle, Header, Operation, SendBackTarget};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/garoon/soap")
            .join(name),
    )
    .unwrap()
}

/// XML with the whitespace between and around tags removed (and before `/>`), so that
/// indentation and line breaks do not count.
fn squeezed(xml: &str) -> String {
    let mut out = String::new();
    let mut pending_space = false;
    for ch in xml.trim().chars() {
        if ch.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && !matches!(ch, '<' | '>' | '/') && !out.ends_with('>') {
            out.push(' ');
        }
        pending_space = false;
        out.push(ch);
    }
    out
}

#[test]
fn the_envelope_is_cybozus_example() {
    let mut header = Header::new("BaseGetApplicationStatus");
    header.credentials = Some(Credentials {
        username: "xxxxxxxxxx".into(),
        password: "xxxxxxx".into(),
    });
    header.locale = Some("jp".into());
    let ours = soap::envelope(&header, "<parameters></parameters>");
    assert_eq!(squeezed(&ours), squeezed(&fixture("common-request.xml")));
    let shown = format!("{:?}", header.credentials);
    assert!(
        !shown.contains("\"xxxxxxx\"") && shown.contains("<redacted>"),
        "Debug hides the password: {shown}"
    );
}

#[test]
fn the_parameters_are_cybozus_examples() {
    let handle = Handle::new("6", Operation::Approve).comment("コメント");
    assert_eq!(
        squeezed(&soap::handle_parameters(&[handle], None)),
        squeezed(&fixture("handle-parameters.xml"))
    );
    let known: Vec<(String, String)> = [("1", "11"), ("2", "22"), ("3", "33")]
        .iter()
        .map(|(id, v)| (id.to_string(), v.to_string()))
        .collect();
    assert_eq!(
        squeezed(&soap::Folder::Unprocessed.version_parameters(&known)),
        squeezed(&fixture("unprocessed-versions-parameters.xml"))
    );
    assert_eq!(
        squeezed(&soap::by_id_parameters(&["5".into()])),
        squeezed(&fixture("unprocessed-by-id-parameters.xml"))
    );
}

#[test]
fn every_operation_and_what_needs_escaping() {
    let cases = [
        (Operation::Reject, "<reject></reject>"),
        (Operation::Withdraw, "<withdraw></withdraw>"),
        (Operation::Cancel, "<cancel></cancel>"),
        (Operation::Confirm, "<confirm></confirm>"),
        (Operation::Acknowledge, "<acknowledge></acknowledge>"),
        (
            Operation::SendBack(SendBackTarget::Applicant),
            "<sent_back><applicant></applicant></sent_back>",
        ),
        (
            Operation::SendBack(SendBackTarget::Step("7".into())),
            "<sent_back><step step_id=\"7\"></step></sent_back>",
        ),
    ];
    for (operation, xml) in cases {
        assert_eq!(operation.to_xml(), xml);
    }
    let handle = Handle::new("9", Operation::Approve)
        .comment("a<b & \"c\"")
        .delegator("12");
    assert_eq!(
        handle.to_xml(),
        "<handle application_id=\"9\" delegator_id=\"12\" comment=\"a&lt;b &amp; &quot;c&quot;\"><operation><approve></approve></operation></handle>"
    );
    let with_token = soap::handle_parameters(&[handle], Some("56cadf65"));
    assert!(with_token.starts_with("<parameters><request_token>56cadf65</request_token><handle"));
}

#[test]
fn the_answers_on_cybozus_pages_decode() {
    let text = fixture("unprocessed-versions-returns.xml");
    let document = soap::parse(&text).unwrap();
    let versions = soap::versions(document.root_element()).unwrap();
    assert_eq!(versions.len(), 4);
    assert_eq!(
        (
            versions[0].id.as_str(),
            versions[0].version.as_str(),
            &versions[0].change
        ),
        ("1", "1245376338", &soap::Change::Remove)
    );
    assert_eq!(versions[3].change, soap::Change::Add);
    // The page shows the handle answer's first 27 of 38 lines: closing the two elements
    // still open is all this test adds.
    let partial = fixture("handle-returns-lines-1-27.xml");
    let closed = format!("{partial}</application></returns>");
    let document = soap::parse(&closed).unwrap();
    let applications = soap::applications(document.root_element()).unwrap();
    let application = &applications[0];
    assert_eq!(application.id, "6");
    assert_eq!(application.version.as_deref(), Some("1281338167"));
    assert_eq!(application.status_type.as_deref(), Some("unprocessing"));
    assert_eq!(
        application.status_kind(),
        Some(omflow_garoon::model::StatusType::Unprocessing)
    );
    assert_eq!(application.processing_step.as_deref(), Some("7"));
    assert_eq!(application.urgent, Some(false));
    assert_eq!(
        application.applicant.as_ref().unwrap().name.as_deref(),
        Some("Administrator")
    );
    assert_eq!(application.items.len(), 9);
    assert_eq!(
        application.items[8].files[0].name.as_deref(),
        Some("eclipse.txt")
    );
    assert_eq!(application.steps.len(), 2);
    assert_eq!(
        application.steps[0].processors[0].result.as_deref(),
        Some("承認")
    );
    assert_eq!(application.steps[1].processors[0].result, None);
    assert_eq!(application.steps[0].is_approval_step, Some(true));
    assert!(application.allows(&Operation::Approve));
    assert!(!application.allows(&Operation::Reject));
}

#[test]
fn an_envelope_answer_and_a_fault_are_told_apart() {
    // Composed for this test (no fault example is on Cybozu's pages): the SOAP 1.2 fault
    // with the Detail members the common specification names.
    let fault = r#"<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope">
 <soap:Header><vendor>Cybozu</vendor></soap:Header>
 <soap:Body><soap:Fault>
  <soap:Code><soap:Value>soap:Receiver</soap:Value></soap:Code>
  <soap:Reason><soap:Text xml:lang="en">Cannot process the specified route step.</soap:Text></soap:Reason>
  <soap:Detail><code>GRN_WRKF_25356</code><diagnosis>Cannot process the specified route step.</diagnosis><cause>The currently logged-in user is not the processor.</cause><counter_measure>Check the processor.</counter_measure></soap:Detail>
 </soap:Fault></soap:Body>
</soap:Envelope>"#;
    let document = soap::parse(fault).unwrap();
    match soap::returns(&document, "WorkflowHandleApplications") {
        Err(soap::SoapError::Fault(fault)) => {
            assert_eq!(fault.code.as_deref(), Some("GRN_WRKF_25356"));
            assert_eq!(
                fault.meaning(),
                Some("you are not a processor of the request's current step")
            );
            let said = fault.to_string();
            assert!(
                said.contains("GRN_WRKF_25356") && said.contains("not the processor"),
                "{said}"
            );
        }
        other => panic!("{other:?}"),
    }
    let answer = r#"<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><workflow:WorkflowHandleApplicationsResponse xmlns:workflow="http://wsdl.cybozu.co.jp/workflow/2008"><returns><application id="6" version="2" status_type="inprogress"/></returns></workflow:WorkflowHandleApplicationsResponse></soap:Body></soap:Envelope>"#;
    let document = soap::parse(answer).unwrap();
    let returns = soap::returns(&document, "WorkflowHandleApplications").unwrap();
    assert_eq!(soap::applications(returns).unwrap()[0].id, "6");
    assert!(matches!(
        soap::returns(&document, "WorkflowGetUnprocessedApplicationsById"),
        Err(soap::SoapError::NotAnAnswer { .. })
    ));
    assert!(matches!(
        soap::parse("not xml <"),
        Err(soap::SoapError::NotXml(_))
    ));
}
