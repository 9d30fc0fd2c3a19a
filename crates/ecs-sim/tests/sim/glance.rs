//! The simulator's Glance: every image it serves validates against Glance's own image schema
//! (`../shared/glance-api`), the images are Nova's proxy's (same ids, sizes, minimums,
//! properties), and lists filter and page as Glance does.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::common::{Cloud, fast_config};
use crate::services::service_call;

const IMAGE_SCHEMA: &str = "schemas/image-show-response.json";

async fn glance(cloud: &Cloud, path: &str) -> ecs_sim::test_client::Reply {
    service_call(&cloud.client, "image", Method::GET, path, None).await
}

/// Every image of a list, following `next` links from `first_path`; also checks each page's
/// keys against Glance's list sample.
async fn all_images(cloud: &Cloud, first_path: &str) -> (Vec<Value>, usize) {
    let sample = nova_ref::shared("glance-api").json("responses/images-list-response.json");
    let mut images = Vec::new();
    let mut pages = 0;
    let mut path = first_path.to_owned();
    loop {
        let page = glance(cloud, &path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.text);
        for key in ["images", "first", "schema"] {
            assert_eq!(
                page.body[key].is_string(),
                sample[key].is_string(),
                "{key} in {}",
                page.text
            );
        }
        pages += 1;
        images.extend(
            page.body["images"]
                .as_array()
                .expect("images")
                .iter()
                .cloned(),
        );
        match page.body["next"].as_str() {
            // Relative to the endpoint, as Glance links it.
            Some(next) => {
                assert!(next.starts_with("/v2/images?"), "{next}");
                path = next.to_owned();
            }
            None => return (images, pages),
        }
    }
}

#[tokio::test]
async fn every_image_validates_against_glances_schema_and_matches_novas_proxy() {
    let cloud = Cloud::start(fast_config()).await;
    let glance_ref = nova_ref::shared("glance-api");
    let (images, _) = all_images(&cloud, "v2/images").await;
    let nova = cloud.client.get("images/detail", "2.1").await.body;
    let nova = nova["images"].as_array().expect("Nova's images");
    assert_eq!(images.len(), nova.len(), "the same images");
    let mut problems = Vec::new();
    for image in &images {
        let id = image["id"].as_str().expect("id");
        let shown = glance(&cloud, &format!("v2/images/{id}")).await;
        assert_eq!(shown.status, StatusCode::OK);
        assert_eq!(&shown.body, image, "show equals the listed image");
        for served in [image, &shown.body] {
            if let Err(errors) = glance_ref.validate(IMAGE_SCHEMA, served) {
                problems.push(format!("{}: {errors:?}", image["name"]));
            }
        }
        let proxied = nova
            .iter()
            .find(|candidate| candidate["id"] == id)
            .unwrap_or_else(|| panic!("{id} is in Nova's proxy"));
        assert_eq!(image["name"], proxied["name"]);
        assert_eq!(image["min_disk"], proxied["minDisk"]);
        assert_eq!(image["min_ram"], proxied["minRam"]);
        assert_eq!(
            image["status"].as_str().map(str::to_ascii_uppercase),
            proxied["status"].as_str().map(str::to_owned)
        );
        if image["status"] == "active" {
            assert_eq!(image["size"], proxied["OS-EXT-IMG-SIZE:size"]);
        } else {
            assert!(image["size"].is_null(), "no data yet: {image}");
        }
        // Glance's properties are what Nova shows as metadata.
        for (key, value) in proxied["metadata"].as_object().expect("metadata") {
            assert_eq!(&image[key], value, "{key} of {}", image["name"]);
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    let with = |key: &str| images.iter().filter(|image| image[key].is_string()).count();
    assert!(with("os_admin_user") >= 2, "some images name their user");
    assert!(
        with("os_distro") < images.len(),
        "some have Huawei's keys only"
    );
    assert!(images.iter().all(|image| image["__os_type"].is_string()));
    assert!(images.iter().any(|image| image["visibility"] == "private"));
}

#[tokio::test]
async fn an_invalid_image_is_caught_by_the_schema_check() {
    // The check above could not fail if the schema accepted anything.
    let cloud = Cloud::start(fast_config()).await;
    let (images, _) = all_images(&cloud, "v2/images?limit=1").await;
    let mut image = images[0].clone();
    image["visibility"] = Value::from("everyone");
    image["os_admin_user"] = Value::from(0);
    let errors = nova_ref::shared("glance-api")
        .validate(IMAGE_SCHEMA, &image)
        .expect_err("invalid");
    assert_eq!(errors.len(), 2, "{errors:?}");
}

#[tokio::test]
async fn lists_filter_by_status_and_page_with_next_links() {
    let cloud = Cloud::start(fast_config().catalogue_size(60)).await;
    let (everything, pages) = all_images(&cloud, "v2/images").await;
    assert_eq!(everything.len(), 60);
    assert_eq!(pages, 3, "Glance's default page of 25");
    let (active, _) = all_images(&cloud, "v2/images?status=active&limit=7").await;
    assert_eq!(active.len(), 59, "all but the image still uploading");
    assert!(active.iter().all(|image| image["status"] == "active"));
    let ids = |images: &[Value]| -> Vec<String> {
        images
            .iter()
            .map(|image| image["id"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    // Newest first, then by id descending: every image once, in the same order on every page.
    let mut expected = ids(&everything);
    expected.sort_by(|a, b| b.cmp(a));
    assert_eq!(ids(&everything), expected);
    let all_active: Vec<String> = ids(&everything)
        .into_iter()
        .filter(|id| active.iter().any(|image| image["id"] == id.as_str()))
        .collect();
    assert_eq!(ids(&active), all_active);

    let first = glance(&cloud, "v2/images?status=active&limit=7").await;
    assert_eq!(first.body["first"], "/v2/images?status=active&limit=7");
    assert!(
        first.body["next"]
            .as_str()
            .is_some_and(|next| next.starts_with("/v2/images?status=active&limit=7&marker=")),
        "{}",
        first.body["next"]
    );
    let by_name = glance(&cloud, "v2/images?sort=name:asc&limit=3").await;
    let names: Vec<&str> = by_name.body["images"]
        .as_array()
        .expect("images")
        .iter()
        .filter_map(|image| image["name"].as_str())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
    let ubuntu = glance(&cloud, "v2/images?os_distro=ubuntu").await;
    assert_eq!(ubuntu.body["images"].as_array().map(Vec::len), Some(1));
    assert_eq!(ubuntu.body["images"][0]["os_admin_user"], "ubuntu");
}

#[tokio::test]
async fn bad_queries_and_unknown_images_are_refused_as_glance_does() {
    let cloud = Cloud::start(fast_config()).await;
    for (path, status, message) in [
        ("v2/images?limit=x", 400, "limit param must be an integer"),
        ("v2/images?limit=-1", 400, "limit param must be positive"),
        (
            "v2/images?marker=00000000-0000-4000-8000-000000000000",
            400,
            "No image found with ID 00000000-0000-4000-8000-000000000000",
        ),
        (
            "v2/images?visibility=everyone",
            400,
            "Invalid visibility value: everyone",
        ),
        (
            "v2/images?sort_key=colour",
            400,
            "Invalid sort key: colour.",
        ),
        (
            "v2/images/no-such-image",
            404,
            "No image found with ID no-such-image",
        ),
        ("v2/no-such-thing", 404, "The resource could not be found."),
    ] {
        let reply = glance(&cloud, path).await;
        assert_eq!(reply.status.as_u16(), status, "{path}: {}", reply.text);
        let text = reply.body["message"].as_str().unwrap_or_default();
        assert!(text.starts_with(message), "{path}: {text:?}");
        assert!(
            reply.body["code"]
                .as_str()
                .is_some_and(|code| code.starts_with(&status.to_string()))
        );
        assert!(reply.body["title"].is_string());
    }
}
